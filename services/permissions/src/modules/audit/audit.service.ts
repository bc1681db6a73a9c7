import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager, type FindOptionsWhere, LessThan } from 'typeorm';
import { type QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { uuidv7 } from '@fieldforce/contracts';
import { type Actor } from '../../common/actor';
import { type Page, type PageRequest, toPage } from '../../common/pagination';
import { AuditEntry, type AuditedEntity } from './entities/audit-entry.entity';

/** One change to record; `before`/`after` are the entity's public states (the event states: no secrets). */
export interface AuditChange {
  entity: AuditedEntity;
  entityId: string;
  action: string;
  before: object | null;
  after: object | null;
}

export interface AuditFilter {
  entity?: AuditedEntity;
  entityId?: string;
}

/** An audit entry as the audit endpoint answers it. */
export interface AuditEntryView {
  id: string;
  actorId: string | null;
  entity: AuditedEntity;
  entityId: string;
  action: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  requestId: string | null;
  recordedAt: string;
}

/** The audit log of permission changes: written in the transaction of each change, read by admins. */
@Injectable()
export class AuditService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Records changes in the transaction of `manager`, so they commit (or not) with the changes. */
  async record(manager: EntityManager, actor: Actor, changes: readonly AuditChange[]): Promise<void> {
    if (changes.length === 0) return;
    // TypeORM's deep-partial type cannot express open JSON objects (before/after); the entity type holds.
    await manager.getRepository(AuditEntry).insert(
      changes.map((change) => ({
        id: uuidv7(),
        tenantId: actor.tenantId,
        actorId: actor.userId,
        entity: change.entity,
        entityId: change.entityId,
        action: change.action,
        before: toJson(change.before),
        after: toJson(change.after),
        requestId: actor.requestId,
      })) as QueryDeepPartialEntity<AuditEntry>[],
    );
  }

  /** The tenant's entries, newest first, optionally of one entity. */
  async list(tenantId: string, filter: AuditFilter, page: PageRequest): Promise<Page<AuditEntryView>> {
    const where: FindOptionsWhere<AuditEntry> = { tenantId };
    if (filter.entity !== undefined) where.entity = filter.entity;
    if (filter.entityId !== undefined) where.entityId = filter.entityId;
    if (page.after !== null) where.id = LessThan(page.after);
    const rows = await this.dataSource.getRepository(AuditEntry).find({ where, order: { id: 'DESC' }, take: page.limit + 1 });
    return toPage(rows, page.limit, toView);
  }
}

function toJson(state: object | null): Record<string, unknown> | null {
  return state === null ? null : (JSON.parse(JSON.stringify(state)) as Record<string, unknown>);
}

function toView(entry: AuditEntry): AuditEntryView {
  return {
    id: entry.id,
    actorId: entry.actorId,
    entity: entry.entity,
    entityId: entry.entityId,
    action: entry.action,
    before: entry.before,
    after: entry.after,
    requestId: entry.requestId,
    recordedAt: entry.recordedAt.toISOString(),
  };
}
