import { Module } from '@nestjs/common';
import { LivePositionStore } from './live-position.store';

@Module({
  providers: [LivePositionStore],
  exports: [LivePositionStore],
})
export class LivePositionsModule {}
