import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsBoolean,
  IsInt,
  IsOptional,
  IsTimeZone,
  Matches,
  Max,
  Min,
  ValidateIf,
} from 'class-validator';
import { NestedObject } from '@fieldforce/platform';
import { MAX_TRACK_RETENTION_DAYS } from '../../../config/checkins.config';
import { HOURS_PATTERN, type TrackingPrivacy, type WorkingHours } from '../track/tracking-window';

export class WorkingHoursDto implements WorkingHours {
  @ApiProperty({ example: 'Europe/Berlin', description: 'IANA time zone the hours are read in' })
  @IsTimeZone()
  timeZone!: string;

  @ApiProperty({ example: [1, 2, 3, 4, 5], description: 'ISO weekdays: 1 = Monday … 7 = Sunday' })
  @ArrayMinSize(1)
  @ArrayMaxSize(7)
  @ArrayUnique()
  @IsInt({ each: true })
  @Min(1, { each: true })
  @Max(7, { each: true })
  days!: number[];

  @ApiProperty({ example: '08:00', description: 'HH:MM, inclusive' })
  @Matches(HOURS_PATTERN, { message: 'start must be HH:MM' })
  start!: string;

  @ApiProperty({ example: '18:00', description: 'HH:MM, exclusive; earlier than start for a shift over midnight' })
  @Matches(HOURS_PATTERN, { message: 'end must be HH:MM' })
  end!: string;
}

export class TrackingPrivacyDto implements TrackingPrivacy {
  @ApiProperty({ description: 'When true, points outside the working hours and visits are refused (OUTSIDE_TRACKING_WINDOW), not stored' })
  @IsBoolean()
  enabled!: boolean;

  @ApiProperty({ type: WorkingHoursDto, nullable: true, description: 'Hours points are accepted in; null for none' })
  @ValidateIf((privacy: TrackingPrivacyDto) => privacy.workingHours !== null)
  @NestedObject(() => WorkingHoursDto)
  workingHours!: WorkingHoursDto | null;

  @ApiProperty({ description: 'Accept points captured between a check-in and its check-out (at most 12 h)' })
  @IsBoolean()
  duringVisits!: boolean;
}

/** A tenant's tracking settings. */
export class TrackingSettingsDto {
  @ApiProperty({ minimum: 1, maximum: MAX_TRACK_RETENTION_DAYS, description: 'Days raw track points are kept' })
  @IsInt()
  @Min(1)
  @Max(MAX_TRACK_RETENTION_DAYS)
  retentionDays!: number;

  @ApiPropertyOptional({ type: TrackingPrivacyDto, description: 'Tracking privacy (off by default); left as it is when absent' })
  @IsOptional()
  @NestedObject(() => TrackingPrivacyDto)
  privacy?: TrackingPrivacyDto;
}
