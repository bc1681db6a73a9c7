import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMinSize, IsArray, IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';
import { NestedObject } from '@fieldforce/platform';
import { type TemplateStep } from '../template-steps';

export const FREQUENCY_UNITS = ['week', 'month'] as const;
export type FrequencyUnit = (typeof FREQUENCY_UNITS)[number];

/** How often a customer of the template's grades is visited: once every `every` weeks or months. */
export class FrequencyDto {
  @ApiProperty({ minimum: 1, maximum: 52 })
  @IsInt()
  @Min(1)
  @Max(52)
  every!: number;

  @ApiProperty({ enum: FREQUENCY_UNITS })
  @IsIn(FREQUENCY_UNITS)
  unit!: FrequencyUnit;
}

export class CreateTemplateDto {
  @ApiProperty()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name!: string;

  @ApiProperty({ type: [String], example: ['A'] })
  @IsArray()
  @ArrayMinSize(1)
  @IsString({ each: true })
  @MinLength(1, { each: true })
  grades!: string[];

  @ApiProperty({ type: FrequencyDto })
  @NestedObject(() => FrequencyDto)
  frequency!: FrequencyDto;

  @ApiProperty({ minimum: 1, maximum: 1440 })
  @IsInt()
  @Min(1)
  @Max(1440)
  expectedDurationMinutes!: number;

  @ApiProperty({ minimum: 10, maximum: 10000 })
  @IsInt()
  @Min(10)
  @Max(10000)
  geofenceRadiusMeters!: number;

  @ApiProperty({ description: 'Ordered steps {key, type, required, ...}; checked by type', type: 'array', items: { type: 'object' } })
  @IsArray()
  steps!: unknown[];
}

export class UpdateTemplateDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @IsString({ each: true })
  @MinLength(1, { each: true })
  grades?: string[];

  @ApiPropertyOptional({ type: FrequencyDto })
  @IsOptional()
  @NestedObject(() => FrequencyDto)
  frequency?: FrequencyDto;

  @ApiPropertyOptional()
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1440)
  expectedDurationMinutes?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsInt()
  @Min(10)
  @Max(10000)
  geofenceRadiusMeters?: number;

  @ApiPropertyOptional({ type: 'array', items: { type: 'object' } })
  @IsOptional()
  @IsArray()
  steps?: unknown[];
}

/** A visit template at one version. */
export interface VisitTemplate {
  id: string;
  tenantId: string;
  name: string;
  grades: string[];
  frequency: { every: number; unit: FrequencyUnit };
  expectedDurationMinutes: number;
  geofenceRadiusMeters: number;
  steps: TemplateStep[];
  version: number;
  createdAt: string;
  updatedAt: string;
}
