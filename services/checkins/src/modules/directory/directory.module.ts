import { Module } from '@nestjs/common';
import { DirectoryService } from './directory.service';
import { DirectorySubscriber } from './directory.subscriber';

@Module({
  providers: [DirectoryService, DirectorySubscriber],
  exports: [DirectoryService],
})
export class DirectoryModule {}
