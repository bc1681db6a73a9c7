import { ApiProperty } from '@nestjs/swagger';

/** One change for the device's local copy. */
export class SyncChangeResponse {
  @ApiProperty({ enum: ['customer', 'check-in', 'visit-template', 'visit-task', 'reminder'] })
  entity!: string;

  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ enum: ['upsert', 'delete'] })
  op!: 'upsert' | 'delete';

  @ApiProperty({ description: 'The record version this change brings the device to' })
  version!: number;

  @ApiProperty({ type: Object, nullable: true, description: 'Full state without the fields the reader may not read; null for a delete' })
  data!: Record<string, unknown> | null;
}

/** A page of the change feed. */
export class PullResponse {
  @ApiProperty({ type: [SyncChangeResponse] })
  changes!: SyncChangeResponse[];

  @ApiProperty({ description: 'Pass to the next pull; opaque' })
  cursor!: string;

  @ApiProperty({ description: 'More changes are ready: pull again at once' })
  hasMore!: boolean;
}

/** An upload in progress (filled once resumable uploads exist). */
export class SyncUploadResponse {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty()
  offset!: number;

  @ApiProperty({ nullable: true })
  length!: number | null;
}

/** What the app shows as synced / pending / failed. */
export class SyncStatusResponse {
  @ApiProperty()
  clientId!: string;

  @ApiProperty({ type: Number, nullable: true, description: 'Last mutation applied for this client; null until push exists' })
  lastMutationId!: number | null;

  @ApiProperty({ type: String, nullable: true, description: 'The last cursor issued to this client; null before its first pull' })
  cursor!: string | null;

  @ApiProperty({ type: [SyncUploadResponse] })
  uploads!: SyncUploadResponse[];
}
