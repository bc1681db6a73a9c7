import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CustomerFeedSubscriber } from './customer-feed.subscriber';
import { CustomersReadModel } from './customers-read-model';
import { VisitCustomer } from './entities/visit-customer.entity';

/** The customers this service plans visits for (read model of the customer events). */
@Module({
  imports: [TypeOrmModule.forFeature([VisitCustomer])],
  providers: [CustomersReadModel, CustomerFeedSubscriber],
  exports: [CustomersReadModel, CustomerFeedSubscriber],
})
export class CustomersModule {}
