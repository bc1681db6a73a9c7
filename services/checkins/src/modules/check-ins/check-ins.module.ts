import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CustomerLocationsModule } from '../customer-locations/customer-locations.module';
import { DirectoryModule } from '../directory/directory.module';
import { TrackStorageModule } from '../trajectories/track-storage.module';
import { CheckInsController } from './check-ins.controller';
import { CheckInsRepository } from './check-ins.repository';
import { CheckInsService } from './check-ins.service';
import { CheckIn } from './entities/check-in.entity';

@Module({
  imports: [TypeOrmModule.forFeature([CheckIn]), TrackStorageModule, CustomerLocationsModule, DirectoryModule],
  controllers: [CheckInsController],
  providers: [CheckInsService, CheckInsRepository],
  exports: [CheckInsRepository],
})
export class CheckInsModule {}
