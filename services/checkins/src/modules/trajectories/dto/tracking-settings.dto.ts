import { ApiProperty } from '@nestjs/swagger';
import { IsInt, Max, Min } from 'class-validator';
import { MAX_TRACK_RETENTION_DAYS } from '../../../config/checkins.config';

/** A tenant's tracking settings. */
export class TrackingSettingsDto {
  @ApiProperty({ minimum: 1, maximum: MAX_TRACK_RETENTION_DAYS, description: 'Days raw track points are kept' })
  @IsInt()
  @Min(1)
  @Max(MAX_TRACK_RETENTION_DAYS)
  retentionDays!: number;
}
