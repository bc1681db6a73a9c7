import { ApiProperty, ApiPropertyOptional, type ApiPropertyOptions } from '@nestjs/swagger';
import { IsDefined, IsInt, IsObject, IsOptional, IsString, IsUUID, Length, Min, ValidateIf } from 'class-validator';
import { PageCursor, PageLimit } from '@fieldforce/platform';

const GEOMETRY_DOC: ApiPropertyOptions = {
  type: 'object',
  additionalProperties: true,
  description: 'GeoJSON Polygon or MultiPolygon (lng, lat): rings closed, not self-intersecting, holes inside; else 422',
  example: { type: 'Polygon', coordinates: [[[13.3, 52.5], [13.4, 52.5], [13.4, 52.6], [13.3, 52.6], [13.3, 52.5]]] },
};

export class CreateTerritoryDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Client-created id; generated when absent' })
  @IsOptional()
  @IsUUID()
  id?: string;

  @ApiProperty({ example: 'Berlin Mitte' })
  @IsString()
  @Length(1, 200)
  name!: string;

  @ApiProperty(GEOMETRY_DOC)
  @IsDefined()
  @IsObject()
  geometry!: Record<string, unknown>;

  @ApiPropertyOptional({ format: 'uuid', description: 'The rep whose territory it is (or give orgUnitId)' })
  @IsOptional()
  @IsUUID()
  ownerId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'The org unit whose reps share it (or give ownerId)' })
  @IsOptional()
  @IsUUID()
  orgUnitId?: string;
}

// A field that may be left out but, when sent, may not be null.
const UnlessAbsent = () => ValidateIf((_object: object, value: unknown) => value !== undefined);

/** A partial update; giving ownerId or orgUnitId hands the territory to that rep or unit instead. */
export class UpdateTerritoryDto {
  @ApiPropertyOptional()
  @UnlessAbsent()
  @IsString()
  @Length(1, 200)
  name?: string;

  @ApiPropertyOptional(GEOMETRY_DOC)
  @UnlessAbsent()
  @IsObject()
  geometry?: Record<string, unknown>;

  @ApiPropertyOptional({ format: 'uuid' })
  @UnlessAbsent()
  @IsUUID()
  ownerId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @UnlessAbsent()
  @IsUUID()
  orgUnitId?: string;

  @ApiPropertyOptional({ description: 'The version this update replaces, when no If-Match header is sent', minimum: 1 })
  @IsOptional()
  @IsInt()
  @Min(1)
  version?: number;
}

export class ListTerritoriesQuery {
  @PageCursor()
  cursor?: string;

  @PageLimit()
  limit?: number;
}

export class TerritoryResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) tenantId!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) ownerId!: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) orgUnitId!: string | null;
  @ApiProperty() orgPath!: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) geometry!: Record<string, unknown>;
  @ApiProperty() version!: number;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class TerritoryPage {
  @ApiProperty({ type: [TerritoryResponse] }) items!: TerritoryResponse[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}
