import { Module } from '@nestjs/common';
import { TrackPointsRepository } from './track-points.repository';
import { TrackPartitions } from './track/track-partitions';

/** Storage of raw track points, shared by trajectories (ingest, reads) and check-ins (the speed check). */
@Module({
  providers: [TrackPointsRepository, TrackPartitions],
  exports: [TrackPointsRepository, TrackPartitions],
})
export class TrackStorageModule {}
