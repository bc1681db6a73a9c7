import { ApiProperty } from '@nestjs/swagger';
import { UPLOAD_STATUSES, type UploadStatus } from '../entities/upload.entity';

/** What `GET /internal/v1/uploads/:id` tells another service before it attaches an upload. */
export class UploadVerificationResponse {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ description: 'Lower-case hex SHA-256 the whole file was verified against (once complete)' })
  sha256!: string;

  @ApiProperty({ description: 'Bytes' })
  size!: number;

  @ApiProperty({ enum: UPLOAD_STATUSES, description: 'Only `complete` uploads have content matching sha256' })
  status!: UploadStatus;

  @ApiProperty({ type: String, nullable: true })
  contentType!: string | null;

  @ApiProperty({ format: 'uuid', description: 'The uploader' })
  userId!: string;
}
