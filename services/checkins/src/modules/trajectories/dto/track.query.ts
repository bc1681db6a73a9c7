import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsISO8601, IsNumber, IsOptional, Max, Min } from 'class-validator';

/** Longest time range one track read covers. */
export const MAX_TRACK_RANGE_HOURS = 48;

/** `?from&to`: the capture times a track read covers, [from, to). */
export class TrackRangeQuery {
  @ApiProperty({ format: 'date-time' })
  @IsISO8601({ strict: true })
  from!: string;

  @ApiProperty({ format: 'date-time', description: `At most ${MAX_TRACK_RANGE_HOURS} hours after from` })
  @IsISO8601({ strict: true })
  to!: string;
}

/** `GET /api/v1/trajectories/:userId?from&to&simplifyM=`. */
export class TrackQuery extends TrackRangeQuery {
  @ApiPropertyOptional({ minimum: 0, maximum: 1000, default: 0, description: 'Douglas–Peucker tolerance in metres; 0 keeps every vertex' })
  @IsOptional()
  @Type(() => Number)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(1000)
  simplifyM?: number;
}
