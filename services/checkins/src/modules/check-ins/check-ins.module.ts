import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { IdempotentWritesModule } from '@fieldforce/persistence';
import { CustomerLocationsModule } from '../customer-locations/customer-locations.module';
import { DirectoryModule } from '../directory/directory.module';
import { TrackStorageModule } from '../trajectories/track-storage.module';
import { CheckInsController } from './check-ins.controller';
import { CheckInsRepository } from './check-ins.repository';
import { CheckInsService } from './check-ins.service';
import { CheckIn } from './entities/check-in.entity';

@Module({
  imports: [
    TypeOrmModule.forFeature([CheckIn]),
    // `checkins.idempotency_keys`: the Idempotency-Key of each pushed check-in and check-out with its first answer.
    IdempotentWritesModule.forSchema('checkins'),
    TrackStorageModule,
    CustomerLocationsModule,
    DirectoryModule,
  ],
  controllers: [CheckInsController],
  providers: [CheckInsService, CheckInsRepository],
  exports: [CheckInsService, CheckInsRepository],
})
export class CheckInsModule {}
