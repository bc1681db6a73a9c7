import { Module } from '@nestjs/common';
import { CheckInsModule } from '../check-ins/check-ins.module';
import { CustomerLocationsModule } from '../customer-locations/customer-locations.module';
import { DirectoryModule } from '../directory/directory.module';
import { LivePositionsModule } from '../live-positions/live-positions.module';
import { TrackIngestService } from './track-ingest.service';
import { TrackMaintenance } from './track-maintenance';
import { TrackStorageModule } from './track-storage.module';
import { TrajectoriesController } from './trajectories.controller';
import { TrajectoriesService } from './trajectories.service';

@Module({
  imports: [TrackStorageModule, DirectoryModule, LivePositionsModule, CustomerLocationsModule, CheckInsModule],
  controllers: [TrajectoriesController],
  providers: [TrackIngestService, TrajectoriesService, TrackMaintenance],
})
export class TrajectoriesModule {}
