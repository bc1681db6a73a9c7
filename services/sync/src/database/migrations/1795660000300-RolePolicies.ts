import { type MigrationInterface, type QueryRunner } from 'typeorm';
import { createRolePoliciesTable, dropRolePoliciesTable } from '@fieldforce/auth';

/** The local copy of the role policies, fed by the permissions service's role events. */
export class RolePolicies1795660000300 implements MigrationInterface {
  name = 'RolePolicies1795660000300';

  async up(queryRunner: QueryRunner): Promise<void> {
    await createRolePoliciesTable(queryRunner, 'sync');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await dropRolePoliciesTable(queryRunner, 'sync');
  }
}
