import { Module } from '@nestjs/common';
import { FeedModule } from '../feed/feed.module';
import { PushModule } from '../push/push.module';
import { UploadsModule } from '../uploads/uploads.module';
import { SyncStatusController } from './status.controller';
import { SyncStatusService } from './status.service';

/** `GET /sync/status`: what the app needs to show "synced / pending / failed" truthfully. */
@Module({
  imports: [FeedModule, PushModule, UploadsModule],
  controllers: [SyncStatusController],
  providers: [SyncStatusService],
})
export class SyncStatusModule {}
