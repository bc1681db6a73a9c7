import { ApiProperty } from '@nestjs/swagger';

/** An upload of the user that is neither complete nor expired: where to resume it. */
export class OpenUploadResponse {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ description: 'The id the app gave the upload at creation' })
  clientUploadId!: string;

  @ApiProperty({ description: 'Bytes stored so far: resume from here' })
  offset!: number;

  @ApiProperty()
  size!: number;

  @ApiProperty({ format: 'date-time' })
  expiresAt!: string;
}

/** What the app shows as synced / pending / failed, and where to resume. */
export class SyncStatusResponse {
  @ApiProperty()
  clientId!: string;

  @ApiProperty({ description: 'The last mutation applied for this client; 0 before its first push (the next push starts at this + 1)' })
  lastMutationId!: number;

  @ApiProperty({ type: String, nullable: true, description: 'The last cursor issued to this client; null before its first pull' })
  cursor!: string | null;

  @ApiProperty({ type: [OpenUploadResponse], description: "The user's uploads in progress, on any of their devices" })
  uploads!: OpenUploadResponse[];
}
