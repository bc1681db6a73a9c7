import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

export const AUDITED_ENTITIES = ['user', 'role', 'org-unit'] as const;
export type AuditedEntity = (typeof AUDITED_ENTITIES)[number];

/** One change of a user, role or org unit: who, when, and the state before and after (no secrets). */
@Entity({ name: 'audit_log' })
export class AuditEntry {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid')
  tenantId!: string;

  /** Null when the platform itself made the change (tenant creation, the dev seed). */
  @Column('uuid', { nullable: true })
  actorId!: string | null;

  @Column('text')
  entity!: AuditedEntity;

  @Column('uuid')
  entityId!: string;

  @Column('text')
  action!: string;

  @Column('jsonb', { nullable: true })
  before!: Record<string, unknown> | null;

  @Column('jsonb', { nullable: true })
  after!: Record<string, unknown> | null;

  @Column('text', { nullable: true })
  requestId!: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  recordedAt!: Date;
}
