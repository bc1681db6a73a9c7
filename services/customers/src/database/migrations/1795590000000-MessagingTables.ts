import { type MigrationInterface, type QueryRunner } from 'typeorm';
import { createMessagingTables, dropMessagingTables } from '@fieldforce/messaging';

/** The customers service's transactional outbox and consumer inbox. */
export class MessagingTables1795590000000 implements MigrationInterface {
  name = 'MessagingTables1795590000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await createMessagingTables(queryRunner, 'customers');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await dropMessagingTables(queryRunner, 'customers');
  }
}
