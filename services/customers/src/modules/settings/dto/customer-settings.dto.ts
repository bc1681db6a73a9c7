import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsNumber,
  IsOptional,
  IsString,
  Length,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { CUSTOM_FIELD_TYPES, type CustomerSettingsState } from '@fieldforce/contracts';
import { MERGE_POLICIES, type MergePolicy } from '@fieldforce/merge';
import { type CustomFieldDefinition, MAX_CHOICE_OPTIONS, MAX_CUSTOM_FIELDS } from '../custom-fields';

/** Most grades one tenant defines. */
export const MAX_GRADES = 50;

type CustomFieldType = CustomFieldDefinition['type'];
type ConflictPolicy = CustomerSettingsState['conflictPolicy'];
// Fails to compile when the contract's conflict policies and the merge library's drift apart.
const _policiesMatch: [ConflictPolicy, MergePolicy] extends [MergePolicy, ConflictPolicy] ? true : never = true;
void _policiesMatch;

const finite = { allowNaN: false, allowInfinity: false } as const;

export class CustomFieldDefinitionDto {
  @ApiProperty({ example: 'shelfMeters', description: 'A letter, then letters, digits or _ (at most 64)' })
  @IsString()
  @Length(1, 64)
  key!: string;

  @ApiPropertyOptional({ example: 'Shelf metres' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  label?: string;

  @ApiProperty({ enum: CUSTOM_FIELD_TYPES })
  @IsIn(CUSTOM_FIELD_TYPES)
  type!: CustomFieldType;

  @ApiPropertyOptional({ default: false, description: 'Every customer must have a value' })
  @IsOptional()
  @IsBoolean()
  required?: boolean;

  @ApiPropertyOptional({ description: 'Smallest value of a number field' })
  @IsOptional()
  @IsNumber(finite)
  min?: number;

  @ApiPropertyOptional({ description: 'Largest value of a number field' })
  @IsOptional()
  @IsNumber(finite)
  max?: number;

  @ApiPropertyOptional({ type: [String], description: 'What a choice or multi-choice field may hold' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_CHOICE_OPTIONS)
  @IsString({ each: true })
  @Length(1, 100, { each: true })
  options?: string[];
}

/** `PUT /customer-settings`: the tenant's whole customer settings, replacing the stored ones. */
export class UpdateCustomerSettingsDto {
  @ApiProperty({ type: [String], example: ['A', 'B', 'C', 'D'], description: 'Highest first; a customer created without a grade takes the last' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_GRADES)
  @IsString({ each: true })
  @Length(1, 50, { each: true })
  grades!: string[];

  @ApiProperty({ type: [CustomFieldDefinitionDto], description: "The fields of the customers' customFields; any other key is refused" })
  @IsArray()
  @ArrayMaxSize(MAX_CUSTOM_FIELDS)
  @ValidateNested({ each: true })
  @Type(() => CustomFieldDefinitionDto)
  customFields!: CustomFieldDefinitionDto[];

  @ApiProperty({ enum: MERGE_POLICIES, description: 'How a sync conflict on a customer field is decided: the higher role rank (ties: arrival order), or always the server / the device' })
  @IsIn(MERGE_POLICIES)
  conflictPolicy!: MergePolicy;
}

export class CustomerSettingsResponse {
  @ApiProperty({ format: 'uuid' }) tenantId!: string;
  @ApiProperty({ type: [String] }) grades!: string[];
  @ApiProperty({ type: [CustomFieldDefinitionDto] }) customFields!: CustomFieldDefinition[];
  @ApiProperty({ enum: MERGE_POLICIES }) conflictPolicy!: MergePolicy;
  @ApiProperty({ description: '0 while the tenant has the defaults' }) version!: number;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) updatedAt!: string | null;
}
