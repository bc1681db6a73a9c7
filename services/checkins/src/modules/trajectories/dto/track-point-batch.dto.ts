import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsString, Length } from 'class-validator';
import { MAX_POINTS_PER_BATCH } from '../track/track-point';

/** One track point as a device sends it (documentation: points are checked one by one by the service). */
export class TrackPointDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Client point id; give this or seq' })
  id?: string;

  @ApiPropertyOptional({ minimum: 0, description: 'Per-device sequence number; give this or id' })
  seq?: number;

  @ApiProperty({ minimum: -90, maximum: 90, example: 52.5321 })
  lat!: number;

  @ApiProperty({ minimum: -180, maximum: 180, example: 13.3849 })
  lng!: number;

  @ApiProperty({ minimum: 0, example: 8 })
  accuracyM!: number;

  @ApiPropertyOptional({ minimum: 0, example: 1.4 })
  speedMps?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 360, example: 270 })
  headingDeg?: number;

  @ApiProperty({ format: 'date-time' })
  capturedAt!: string;

  @ApiPropertyOptional({ description: "The OS reported a mock location provider" })
  isMock?: boolean;
}

/** `POST /api/v1/trajectories/points`: a batch of one device's points. */
export class TrackPointBatchDto {
  @ApiProperty({ example: 'a1b2c3d4-device' })
  @IsString()
  @Length(1, 200)
  deviceId!: string;

  // Each point is validated by the service, so one bad point is reported by its index instead of failing the batch.
  @ApiProperty({ type: [TrackPointDto], maxItems: MAX_POINTS_PER_BATCH })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_POINTS_PER_BATCH)
  points!: unknown[];
}
