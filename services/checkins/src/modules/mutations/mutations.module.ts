import { Module } from '@nestjs/common';
import { CheckInsModule } from '../check-ins/check-ins.module';
import { MutationsController } from './mutations.controller';
import { MutationsService } from './mutations.service';

/** Offline check-ins and check-outs pushed through the sync service (`POST /internal/v1/mutations`). */
@Module({
  imports: [CheckInsModule],
  controllers: [MutationsController],
  providers: [MutationsService],
})
export class MutationsModule {}
