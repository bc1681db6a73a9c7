import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsEmail,
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
import { NestedObject } from '@fieldforce/platform';

const finite = { allowNaN: false, allowInfinity: false } as const;

/**
 * A location as the client sends it. Only its shape is checked here (400 when it is not two
 * numbers); the ranges are checked by the service, which answers 422 for an impossible place.
 */
export class GeoPointDto {
  @ApiProperty({ minimum: -90, maximum: 90, example: 52.5321 })
  @IsNumber({ allowNaN: true, allowInfinity: true })
  lat!: number;

  @ApiProperty({ minimum: -180, maximum: 180, example: 13.3849 })
  @IsNumber({ allowNaN: true, allowInfinity: true })
  lng!: number;
}

export class CustomerContactDto {
  @ApiProperty({ example: 'Mara Lind' })
  @IsString()
  @Length(1, 200)
  name!: string;

  @ApiPropertyOptional({ example: '+49 30 1234567' })
  @IsOptional()
  @IsString()
  @MaxLength(50)
  phone?: string;

  @ApiPropertyOptional({ example: 'mara.lind@example.com' })
  @IsOptional()
  @IsEmail()
  @MaxLength(254)
  email?: string;

  @ApiPropertyOptional({ example: 'Owner' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  title?: string;
}

export class CreateCustomerDto {
  @ApiPropertyOptional({ description: 'Client-created id (offline creation); generated when absent', format: 'uuid' })
  @IsOptional()
  @IsUUID()
  id?: string;

  @ApiProperty({ example: 'Corner Pharmacy Nord' })
  @IsString()
  @Length(1, 200)
  name!: string;

  @ApiPropertyOptional({ example: 'A', description: "One of the tenant's grades (`GET /customer-settings`); default its lowest" })
  @IsOptional()
  @IsString()
  @Length(1, 50)
  grade?: string;

  @ApiPropertyOptional({ type: GeoPointDto })
  @IsOptional()
  @NestedObject(() => GeoPointDto)
  location?: GeoPointDto;

  @ApiPropertyOptional({ example: 'Invalidenstraße 12, 10115 Berlin' })
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

  @ApiPropertyOptional({ type: [String], example: ['pharmacy'] })
  @IsOptional()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @Length(1, 50, { each: true })
  tags?: string[];

  @ApiPropertyOptional({ description: 'Id in the CRM/ERP, unique per tenant', example: 'CRM-100234' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  externalId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Default: the creating user' })
  @IsOptional()
  @IsUUID()
  ownerId?: string;

  @ApiPropertyOptional({ example: 25000 })
  @IsOptional()
  @IsNumber({ ...finite, maxDecimalPlaces: 2 })
  @Min(0)
  @Max(999_999_999_999)
  creditLimit?: number;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: "Checked against the tenant's custom field definitions (422 naming each bad key)" })
  @IsOptional()
  @IsObject()
  customFields?: Record<string, unknown>;
}
