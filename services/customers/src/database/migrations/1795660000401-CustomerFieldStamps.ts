import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Per field of each customer, the version at which it last changed and the role rank of the
 * writer (`{"grade": {"version": 4, "rank": 20}, "$deleted": {...}}`), whatever the channel: the
 * three-way merge of sync pushes decides conflicts by them. Existing customers start unstamped
 * (a field without a stamp counts as version 0, rank 0).
 */
export class CustomerFieldStamps1795660000401 implements MigrationInterface {
  name = 'CustomerFieldStamps1795660000401';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE customers.customers ADD COLUMN field_stamps jsonb NOT NULL DEFAULT '{}'::jsonb`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE customers.customers DROP COLUMN field_stamps`);
  }
}
