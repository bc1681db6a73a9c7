import { Module } from '@nestjs/common';
import { DirectoryModule } from '../directory/directory.module';
import { LivePositionStore } from './live-position.store';
import { LivePositionsController } from './live-positions.controller';
import { LivePositionsService } from './live-positions.service';

@Module({
  imports: [DirectoryModule],
  controllers: [LivePositionsController],
  providers: [LivePositionStore, LivePositionsService],
  exports: [LivePositionStore],
})
export class LivePositionsModule {}
