import { type MigrationInterface, type QueryRunner } from 'typeorm';
import { createIdempotencyKeysTable, dropIdempotencyKeysTable } from '@fieldforce/persistence';

/** The keys of idempotent writes (the Idempotency-Key of a sync push) and their first results. */
export class IdempotencyKeys1795670000700 implements MigrationInterface {
  name = 'IdempotencyKeys1795670000700';

  async up(queryRunner: QueryRunner): Promise<void> {
    await createIdempotencyKeysTable(queryRunner, 'checkins');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await dropIdempotencyKeysTable(queryRunner, 'checkins');
  }
}
