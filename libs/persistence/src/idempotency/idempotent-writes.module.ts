import { type DynamicModule, Injectable, Module, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { IdempotentWrites } from './idempotent-writes';

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

/** A service's Idempotency-Key store (`<schema>.idempotency_keys`) as `IdempotentWrites`, pruned hourly. */
@Module({})
export class IdempotentWritesModule {
  static forSchema(schema: string): DynamicModule {
    return {
      module: IdempotentWritesModule,
      providers: [
        { provide: IdempotentWrites, inject: [DataSource], useFactory: (dataSource: DataSource) => new IdempotentWrites(dataSource, { schema }) },
        IdempotencyKeyPruning,
      ],
      exports: [IdempotentWrites],
    };
  }
}
