import { Module } from '@nestjs/common';
import { CustomerLocationsService } from './customer-locations.service';
import { CustomerLocationsSubscriber } from './customer-locations.subscriber';

@Module({
  providers: [CustomerLocationsService, CustomerLocationsSubscriber],
  exports: [CustomerLocationsService],
})
export class CustomerLocationsModule {}
