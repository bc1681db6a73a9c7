import { type PipeTransform } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CommonException, type FieldError } from '@fieldforce/platform';
import { MAX_POINTS_PER_BATCH } from '../track/track-point';

/** One track point as a device sends it (documentation: the service checks each point on its own). */
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

  @ApiPropertyOptional({ description: 'The OS reported a mock location provider' })
  isMock?: boolean;
}

/** `POST /api/v1/trajectories/points`: a batch of one device's points (the OpenAPI shape of `TrackPointBatch`). */
export class TrackPointBatchDto {
  @ApiProperty({ example: 'a1b2c3d4-device', minLength: 1, maxLength: 200 })
  deviceId!: string;

  @ApiProperty({ type: [TrackPointDto], minItems: 1, maxItems: MAX_POINTS_PER_BATCH })
  points!: unknown[];
}

/** A batch whose shape is checked; its points are checked one by one by the ingest. */
export interface TrackPointBatch {
  deviceId: string;
  points: unknown[];
}

/**
 * Checks the batch's shape by hand instead of through the global ValidationPipe, which would
 * copy every point through class-transformer: on the hottest route that is a third of its CPU.
 * Bad points are not this pipe's business: the ingest reports them by index.
 */
export class TrackPointBatchPipe implements PipeTransform<unknown, TrackPointBatch> {
  transform(body: unknown): TrackPointBatch {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw CommonException.validationFailed([{ field: 'body', message: 'must be an object with deviceId and points' }]);
    }
    const { deviceId, points, ...unknown } = body as Record<string, unknown>;
    const errors: FieldError[] = Object.keys(unknown).map((field) => ({ field, message: `property ${field} should not exist` }));
    if (typeof deviceId !== 'string' || deviceId.length < 1 || deviceId.length > 200) {
      errors.push({ field: 'deviceId', message: 'deviceId must be a string of 1 to 200 characters' });
    }
    if (!Array.isArray(points) || points.length < 1 || points.length > MAX_POINTS_PER_BATCH) {
      errors.push({ field: 'points', message: `points must be an array of 1 to ${MAX_POINTS_PER_BATCH} points` });
    }
    if (errors.length > 0) throw CommonException.validationFailed(errors);
    return { deviceId: deviceId as string, points: points as unknown[] };
  }
}
