import { Module } from '@nestjs/common';
import { FeedController } from './feed.controller';
import { FeedPurge } from './feed-purge';
import { FeedRepository } from './feed.repository';
import { FeedService } from './feed.service';
import { FeedSubscriber } from './feed.subscriber';

@Module({
  controllers: [FeedController],
  providers: [FeedRepository, FeedService, FeedSubscriber, FeedPurge],
  exports: [FeedService],
})
export class FeedModule {}
