import { Injectable, Module, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { IdempotentWrites } from '@fieldforce/persistence';

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

/** The service's Idempotency-Key store (`customers.idempotency_keys`), shared by every write. */
@Module({
  providers: [
    { provide: IdempotentWrites, inject: [DataSource], useFactory: (dataSource: DataSource) => new IdempotentWrites(dataSource, { schema: 'customers' }) },
    IdempotencyKeyPruning,
  ],
  exports: [IdempotentWrites],
})
export class IdempotencyModule {}
