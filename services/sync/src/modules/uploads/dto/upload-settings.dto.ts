import { ApiProperty } from '@nestjs/swagger';
import { IsInt, Max, Min } from 'class-validator';

/** Largest upload limit a tenant may choose (10 GiB). */
export const MAX_UPLOAD_LIMIT_BYTES = 10 * 1024 ** 3;

/** A tenant's upload settings. */
export class UploadSettingsDto {
  @ApiProperty({ minimum: 1, maximum: MAX_UPLOAD_LIMIT_BYTES, description: 'Largest upload (Upload-Length) in bytes; larger creations are answered 413' })
  @IsInt()
  @Min(1)
  @Max(MAX_UPLOAD_LIMIT_BYTES)
  maxUploadBytes!: number;
}

export class UploadSettingsResponse extends UploadSettingsDto {
  @ApiProperty({ description: 'True while the tenant has not chosen a limit and the service default applies' })
  isDefault!: boolean;
}
