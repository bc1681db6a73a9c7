// A throwaway aggregate and the hand-written migration for its table, for the persistence tests.
import { Column, Entity, type MigrationInterface, type QueryRunner } from 'typeorm';
import { BaseAggregate } from '../src';

@Entity('probe_aggregate')
export class ProbeAggregate extends BaseAggregate {
  @Column('text')
  displayName!: string;
}

export class CreateProbeAggregate1700000000001 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE probe_aggregate (
        id uuid NOT NULL,
        tenant_id uuid NOT NULL,
        version integer NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        deleted_at timestamptz,
        display_name text NOT NULL,
        CONSTRAINT probe_aggregate_pkey PRIMARY KEY (id)
      )`);
    await queryRunner.query('CREATE INDEX probe_aggregate_tenant_id_idx ON probe_aggregate (tenant_id)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE probe_aggregate');
  }
}
