import { type MigrationInterface, type QueryRunner } from 'typeorm';
import { createIdempotencyKeysTable, dropIdempotencyKeysTable } from '@fieldforce/persistence';

/** The keys of idempotent writes (Idempotency-Key) and their first results. */
export class IdempotencyKeys1795590000301 implements MigrationInterface {
  name = 'IdempotencyKeys1795590000301';

  async up(queryRunner: QueryRunner): Promise<void> {
    await createIdempotencyKeysTable(queryRunner, 'customers');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await dropIdempotencyKeysTable(queryRunner, 'customers');
  }
}
