import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsISO8601,
  IsNumber,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  Min,
} from 'class-validator';
import { NestedObject } from '@fieldforce/platform';

/** Photos one check-in or check-out may attach. */
export const MAX_PHOTOS_PER_PHASE = 10;

const finite = { allowNaN: false, allowInfinity: false } as const;
// An instant with an explicit offset: a local time without one would be guessed.
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** Where and how a check-in or check-out was captured. */
export class CheckInPointDto {
  @ApiProperty({ minimum: -90, maximum: 90, example: 52.53215 })
  @IsNumber(finite)
  @Min(-90)
  @Max(90)
  lat!: number;

  @ApiProperty({ minimum: -180, maximum: 180, example: 13.38496 })
  @IsNumber(finite)
  @Min(-180)
  @Max(180)
  lng!: number;

  @ApiProperty({ minimum: 0, example: 8 })
  @IsNumber(finite)
  @Min(0)
  @Max(1_000_000)
  accuracyM!: number;

  @ApiProperty({ format: 'date-time', description: 'When the device captured the position' })
  @IsISO8601({ strict: true })
  @Matches(INSTANT, { message: 'capturedAt must name its time zone (Z or ±hh:mm)' })
  capturedAt!: string;

  @ApiProperty({ example: 'fused', description: 'Location provider as the OS names it' })
  @IsString()
  @Length(1, 32)
  provider!: string;

  @ApiProperty({ description: 'The OS flagged the location as mocked' })
  @IsBoolean()
  isMock!: boolean;
}

/** What a check-out and a check-in both carry. */
export class CheckOutDto {
  @ApiProperty({ type: CheckInPointDto })
  @NestedObject(() => CheckInPointDto)
  point!: CheckInPointDto;

  @ApiPropertyOptional({
    type: String,
    format: 'uuid',
    isArray: true,
    maxItems: MAX_PHOTOS_PER_PHASE,
    description:
      "Photos of the visit: ids of the user's own complete uploads (tus, `/api/v1/uploads`). Each is verified with sync, and the " +
      'SHA-256 sync verified is what the photo-reuse check compares (422 naming the field for an unknown, foreign or incomplete upload).',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_PHOTOS_PER_PHASE)
  @IsUUID('all', { each: true, message: 'each of photoUploadIds must be an upload id (UUID)' })
  @ArrayUnique((id: unknown) => (typeof id === 'string' ? id.toLowerCase() : id), { message: 'photoUploadIds must not list a photo twice' })
  photoUploadIds?: string[];

  @ApiPropertyOptional({ description: 'Recorded without a connection and sent later', default: false })
  @IsOptional()
  @IsBoolean()
  offline?: boolean;
}

/** `POST /api/v1/check-ins`. */
export class CreateCheckInDto extends CheckOutDto {
  @ApiProperty({ format: 'uuid', description: 'Client-created id: a retry with the same id answers the same check-in' })
  @IsUUID()
  id!: string;

  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  customerId!: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'The visit task this check-in carries out' })
  @IsOptional()
  @IsUUID()
  taskId?: string;

  @ApiProperty({ example: 'a1b2c3d4-device' })
  @IsString()
  @Length(1, 200)
  deviceId!: string;
}
