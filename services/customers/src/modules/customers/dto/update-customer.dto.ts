import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsInt,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Max,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { NestedObject } from '@fieldforce/platform';
import { CustomerContactDto, GeoPointDto } from './create-customer.dto';

// A field that may be left out but, when sent, may not be null (its column is not nullable).
const UnlessAbsent = () => ValidateIf((_object: object, value: unknown) => value !== undefined);

/**
 * A partial update: the fields sent replace the stored ones (null clears a nullable field). The
 * owner changes only through assignment (`POST /customers/assign`).
 */
export class UpdateCustomerDto {
  @ApiPropertyOptional({ example: 'Corner Pharmacy Nord' })
  @UnlessAbsent()
  @IsString()
  @Length(1, 200)
  name?: string;

  @ApiPropertyOptional({ example: 'B', description: "One of the tenant's grades" })
  @UnlessAbsent()
  @IsString()
  @Length(1, 50)
  grade?: string;

  @ApiPropertyOptional({ type: GeoPointDto, nullable: true })
  @IsOptional()
  @NestedObject(() => GeoPointDto)
  location?: GeoPointDto | null;

  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  address?: string | null;

  @ApiPropertyOptional({ type: [CustomerContactDto] })
  @UnlessAbsent()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => CustomerContactDto)
  contacts?: CustomerContactDto[];

  @ApiPropertyOptional({ type: [String] })
  @UnlessAbsent()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @Length(1, 50, { each: true })
  tags?: string[];

  @ApiPropertyOptional({ nullable: true, description: 'Id in the CRM/ERP, unique per tenant' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  externalId?: string | null;

  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false, maxDecimalPlaces: 2 })
  @Min(0)
  @Max(999_999_999_999)
  creditLimit?: number | null;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  @UnlessAbsent()
  @IsObject()
  customFields?: Record<string, unknown>;

  @ApiPropertyOptional({ description: 'The version this update replaces, when no If-Match header is sent', minimum: 1 })
  @IsOptional()
  @IsInt()
  @Min(1)
  version?: number;
}
