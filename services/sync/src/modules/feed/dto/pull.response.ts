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
