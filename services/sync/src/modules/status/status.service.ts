import { Injectable } from '@nestjs/common';
import { type AuthenticatedUser } from '@fieldforce/auth';
import { FeedService } from '../feed/feed.service';
import { PushService } from '../push/push.service';
import { UploadsService } from '../uploads/uploads.service';
import { type SyncStatusResponse } from './dto/sync-status.response';

/** One client's sync state, gathered from the feed, push and uploads. */
@Injectable()
export class SyncStatusService {
  constructor(
    private readonly feed: FeedService,
    private readonly push: PushService,
    private readonly uploads: UploadsService,
  ) {}

  async status(user: AuthenticatedUser, clientId: string): Promise<SyncStatusResponse> {
    const [lastMutationId, cursor, uploads] = await Promise.all([
      this.push.lastMutationId(user.tenantId, user.userId, clientId),
      this.feed.lastCursor(user, clientId),
      this.uploads.openUploads(user.tenantId, user.userId),
    ]);
    return { clientId, lastMutationId, cursor, uploads };
  }
}
