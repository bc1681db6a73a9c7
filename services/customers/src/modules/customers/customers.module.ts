import { Injectable, Module, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { IdempotentWrites } from '@fieldforce/persistence';
import { GeoModule } from '../geo/geo.module';
import { UsersModule } from '../users/users.module';
import { CustomerAssignments } from './customer-assignments';
import { CustomerImportService } from './customer-import.service';
import { CustomerOwners } from './customer-owners';
import { CustomersController } from './customers.controller';
import { CustomersRepository } from './customers.repository';
import { CustomersService } from './customers.service';
import { Customer } from './entities/customer.entity';
import { OwnerMovesSubscriber } from './owner-moves.subscriber';

const PRUNE_INTERVAL_MS = 60 * 60 * 1_000;

/** Deletes idempotency keys past their retention once an hour, so the table stays small. */
@Injectable()
class IdempotencyKeyPruning implements OnModuleInit, OnApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly writes: IdempotentWrites) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.writes.prune().catch(() => undefined), PRUNE_INTERVAL_MS).unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }
}

@Module({
  imports: [TypeOrmModule.forFeature([Customer]), GeoModule, UsersModule],
  controllers: [CustomersController],
  providers: [
    { provide: IdempotentWrites, inject: [DataSource], useFactory: (dataSource: DataSource) => new IdempotentWrites(dataSource, { schema: 'customers' }) },
    IdempotencyKeyPruning,
    CustomersRepository,
    CustomerOwners,
    CustomerAssignments,
    CustomersService,
    CustomerImportService,
    OwnerMovesSubscriber,
  ],
  exports: [IdempotentWrites, CustomerOwners, CustomerAssignments, UsersModule, GeoModule],
})
export class CustomersModule {}
