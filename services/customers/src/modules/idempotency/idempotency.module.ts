import { IdempotentWritesModule } from '@fieldforce/persistence';

/** The service's Idempotency-Key store (`customers.idempotency_keys`, pruned hourly), shared by every write. */
export const IdempotencyModule = IdempotentWritesModule.forSchema('customers');
