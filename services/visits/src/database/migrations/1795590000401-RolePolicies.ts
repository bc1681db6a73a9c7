import { type MigrationInterface, type QueryRunner } from 'typeorm';
import { createRolePoliciesTable, dropRolePoliciesTable } from '@fieldforce/auth';

/** The local copy of the role policies, fed by the permissions service's role events. */
export class RolePolicies1795590000401 implements MigrationInterface {
  name = 'RolePolicies1795590000401';

  async up(queryRunner: QueryRunner): Promise<void> {
    await createRolePoliciesTable(queryRunner, 'visits');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await dropRolePoliciesTable(queryRunner, 'visits');
  }
}
