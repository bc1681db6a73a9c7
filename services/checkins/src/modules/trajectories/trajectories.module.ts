import { Module } from '@nestjs/common';
import { DirectoryModule } from '../directory/directory.module';
import { LivePositionsModule } from '../live-positions/live-positions.module';
import { TrackIngestService } from './track-ingest.service';
import { TrackMaintenance } from './track-maintenance';
import { TrackPointsRepository } from './track-points.repository';
import { TrackPartitions } from './track/track-partitions';
import { TrajectoriesController } from './trajectories.controller';

@Module({
  imports: [DirectoryModule, LivePositionsModule],
  controllers: [TrajectoriesController],
  providers: [TrackIngestService, TrackPointsRepository, TrackPartitions, TrackMaintenance],
  exports: [TrackPointsRepository],
})
export class TrajectoriesModule {}
