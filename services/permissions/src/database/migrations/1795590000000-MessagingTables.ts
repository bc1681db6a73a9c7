import { type MigrationInterface, type QueryRunner } from 'typeorm';
import { createMessagingTables, dropMessagingTables } from '@fieldforce/messaging';

/** The permissions service's transactional outbox and consumer inbox. */
export class MessagingTables1795590000000 implements MigrationInterface {
  name = 'MessagingTables1795590000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await createMessagingTables(queryRunner, 'permissions');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await dropMessagingTables(queryRunner, 'permissions');
  }
}
