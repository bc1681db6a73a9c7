import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsUUID, Matches, Max, Min } from 'class-validator';

export const DEFAULT_NEAR_RADIUS_M = 5_000;
export const MAX_NEAR_RADIUS_M = 100_000;
export const MAX_LIVE_POSITIONS = 500;

/** `GET /api/v1/live-positions?near=&radiusM=&orgUnitId=&limit=`. */
export class LivePositionsQuery {
  @ApiPropertyOptional({ example: '52.5321,13.3849', description: 'lat,lng: positions within radiusM of here, nearest first' })
  @IsOptional()
  @Matches(/^-?\d{1,2}(\.\d+)?,-?\d{1,3}(\.\d+)?$/, { message: 'near must be lat,lng in decimal degrees' })
  near?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_NEAR_RADIUS_M, default: DEFAULT_NEAR_RADIUS_M })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_NEAR_RADIUS_M)
  radiusM?: number;

  @ApiPropertyOptional({ format: 'uuid', description: "Users of this org unit and below (default: the reader's own unit)" })
  @IsOptional()
  @IsUUID()
  orgUnitId?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_LIVE_POSITIONS, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_LIVE_POSITIONS)
  limit?: number;
}
