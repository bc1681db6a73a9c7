import { Module } from '@nestjs/common';
import { CustomersModule } from '../customers/customers.module';
import { MutationsController } from './mutations.controller';
import { MutationsService } from './mutations.service';

/** Offline changes pushed through the sync service (`POST /internal/v1/mutations`). */
@Module({
  imports: [CustomersModule],
  controllers: [MutationsController],
  providers: [MutationsService],
})
export class MutationsModule {}
