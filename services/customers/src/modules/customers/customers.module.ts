import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { GeoModule } from '../geo/geo.module';
import { IdempotencyModule } from '../idempotency/idempotency.module';
import { CustomerSettingsModule } from '../settings/customer-settings.module';
import { UsersModule } from '../users/users.module';
import { CustomerAssignments } from './customer-assignments';
import { CustomerImportService } from './customer-import.service';
import { CustomerOwners } from './customer-owners';
import { CustomersController } from './customers.controller';
import { CustomersRepository } from './customers.repository';
import { CustomersService } from './customers.service';
import { Customer } from './entities/customer.entity';
import { OwnerMovesSubscriber } from './owner-moves.subscriber';

@Module({
  imports: [TypeOrmModule.forFeature([Customer]), IdempotencyModule, CustomerSettingsModule, GeoModule, UsersModule],
  controllers: [CustomersController],
  providers: [
    CustomersRepository,
    CustomerOwners,
    CustomerAssignments,
    CustomersService,
    CustomerImportService,
    OwnerMovesSubscriber,
  ],
  exports: [CustomersService, IdempotencyModule, CustomerSettingsModule, CustomerOwners, CustomerAssignments, UsersModule, GeoModule],
})
export class CustomersModule {}
