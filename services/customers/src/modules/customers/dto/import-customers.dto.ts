import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { type CustomerState } from '@fieldforce/contracts';
import { type FieldError } from '@fieldforce/platform';
import { CustomerContactDto, DEFAULT_GRADES, GeoPointDto } from './create-customer.dto';
import { CustomerResponse } from './customer.response';

/** Most rows one import takes. */
export const MAX_IMPORT_ROWS = 5_000;

/**
 * One row of an import: a customer by its CRM/ERP id. A new externalId creates a customer (absent
 * fields take the create defaults); a known one updates the fields the row carries and keeps the rest.
 */
export class ImportCustomerRow {
  @ApiProperty({ example: 'CRM-100234' })
  @IsString()
  @Length(1, 100)
  externalId!: string;

  @ApiProperty({ example: 'Corner Pharmacy Nord' })
  @IsString()
  @Length(1, 200)
  name!: string;

  @ApiPropertyOptional({ enum: DEFAULT_GRADES })
  @IsOptional()
  @IsIn(DEFAULT_GRADES)
  grade?: string;

  @ApiPropertyOptional({ type: GeoPointDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => GeoPointDto)
  location?: GeoPointDto;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(500)
  address?: string;

  @ApiPropertyOptional({ type: [CustomerContactDto] })
  @IsOptional()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => CustomerContactDto)
  contacts?: CustomerContactDto[];

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @Length(1, 50, { each: true })
  tags?: string[];

  @ApiPropertyOptional({ format: 'uuid', description: 'Default for a new customer: the importing user' })
  @IsOptional()
  @IsUUID()
  ownerId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false, maxDecimalPlaces: 2 })
  @Min(0)
  @Max(999_999_999_999)
  creditLimit?: number;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  @IsOptional()
  @IsObject()
  customFields?: Record<string, unknown>;
}

export class ImportCustomersDto {
  @ApiProperty({
    type: [ImportCustomerRow],
    maxItems: MAX_IMPORT_ROWS,
    description: 'Each row is checked on its own: a bad row is reported and the others still apply',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_IMPORT_ROWS)
  rows!: unknown[];
}

export const IMPORT_OUTCOMES = ['created', 'updated', 'unchanged', 'error'] as const;
export type ImportOutcome = (typeof IMPORT_OUTCOMES)[number];

/** What became of one row. */
export interface ImportRowResult {
  /** Position of the row in the request, from 0. */
  row: number;
  externalId: string | null;
  outcome: ImportOutcome;
  /** The customer after the import, without the fields the user may not read (not for an error). */
  customer?: CustomerState;
  /** Why the row was not applied (only for an error). */
  errors?: FieldError[];
}

export class ImportRowResultResponse {
  @ApiProperty() row!: number;
  @ApiProperty({ type: String, nullable: true }) externalId!: string | null;
  @ApiProperty({ enum: IMPORT_OUTCOMES }) outcome!: ImportOutcome;
  @ApiPropertyOptional({ type: CustomerResponse }) customer?: CustomerResponse;
  @ApiPropertyOptional({ type: 'array', items: { type: 'object', properties: { field: { type: 'string' }, message: { type: 'string' } } } })
  errors?: FieldError[];
}

export class ImportSummary {
  @ApiProperty() created!: number;
  @ApiProperty() updated!: number;
  @ApiProperty() unchanged!: number;
  @ApiProperty() error!: number;
}

/** The outcome of an import: counts, and one result per row in request order. */
export class ImportResultResponse {
  @ApiProperty({ type: ImportSummary }) summary!: ImportSummary;
  @ApiProperty({ type: [ImportRowResultResponse] }) rows!: ImportRowResultResponse[];
}
