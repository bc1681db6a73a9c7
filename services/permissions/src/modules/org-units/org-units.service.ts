import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager, In, IsNull, Raw } from 'typeorm';
import { isUnderOrgPath, type OrgUnitState, uuidv7 } from '@fieldforce/contracts';
import { OutboxPublisher } from '@fieldforce/messaging';
import { CommonException } from '@fieldforce/platform';
import { type Actor, currentEventCause } from '../../common/actor';
import { violatedUniqueConstraint } from '../../common/database-errors';
import { childOrgPath } from '../../common/org-path';
import { type Page, type PageRequest, toPage } from '../../common/pagination';
import { type ScopedActor, scopeReaches } from '../../common/scoped-actor';
import { type AuditChange, AuditService } from '../audit/audit.service';
import { User } from '../users/entities/user.entity';
import { toUserState } from '../users/user.state';
import { type CreateOrgUnitDto, type UpdateOrgUnitDto } from './dto/org-unit.dto';
import { OrgUnit } from './entities/org-unit.entity';
import { toOrgUnitState } from './org-unit.state';
import { OrgUnitsRepository } from './org-units.repository';
import { OrgUnitException } from './org-units.exception';

const PRIMARY_KEY = 'org_units_pkey';

export interface OrgUnitFilter {
  parentId?: string;
  /** This unit and everything under it. */
  under?: string;
}

/** A tenant's org-unit tree: its root, units under it, renames and moves of whole subtrees with their users. */
@Injectable()
export class OrgUnitsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly tree: OrgUnitsRepository,
    private readonly outbox: OutboxPublisher,
    private readonly audit: AuditService,
  ) {}

  /** The tenant's units in creation order; `under` narrows to one subtree through the path index. */
  async list(tenantId: string, filter: OrgUnitFilter, page: PageRequest): Promise<Page<OrgUnitState>> {
    const query = this.dataSource
      .getRepository(OrgUnit)
      .createQueryBuilder('unit')
      .where('unit.tenant_id = :tenantId', { tenantId })
      .orderBy('unit.id', 'ASC')
      .take(page.limit + 1);
    if (page.after !== null) query.andWhere('unit.id > :after', { after: page.after });
    if (filter.parentId !== undefined) query.andWhere('unit.parent_id = :parentId', { parentId: filter.parentId });
    if (filter.under !== undefined) {
      query.andWhere(
        'unit.path <@ (SELECT anchor.path FROM permissions.org_units anchor WHERE anchor.id = :under AND anchor.tenant_id = :tenantId)',
        { under: filter.under },
      );
    }
    return toPage(await query.getMany(), page.limit, toOrgUnitState);
  }

  async get(tenantId: string, id: string): Promise<OrgUnitState> {
    const unit = await this.dataSource.getRepository(OrgUnit).findOneBy({ id, tenantId });
    if (!unit) throw OrgUnitException.notFound(id);
    return toOrgUnitState(unit);
  }

  /** The tenant's root unit, in the tenant-creation transaction. */
  async createRoot(manager: EntityManager, actor: Actor, name: string): Promise<OrgUnitState> {
    const id = uuidv7();
    return this.insert(manager, actor, { id, name, parentId: null, path: childOrgPath(null, id) });
  }

  /** Creates a unit under a parent the actor's scope reaches; a replayed create answers the stored unit. */
  async create(actor: ScopedActor, input: CreateOrgUnitDto): Promise<{ orgUnit: OrgUnitState; created: boolean }> {
    const id = input.id ?? uuidv7();
    const replay = await this.replayOf(actor.tenantId, id, input);
    if (replay) return { orgUnit: replay, created: false };
    try {
      const orgUnit = await this.dataSource.transaction(async (manager) => {
        await this.tree.lockTree(manager, actor.tenantId);
        const parent = await this.reachableUnit(manager, actor, input.parentId);
        if (!parent) throw OrgUnitException.parentNotFound(input.parentId);
        return this.insert(manager, actor, { id, name: input.name, parentId: parent.id, path: childOrgPath(parent.path, id) });
      });
      return { orgUnit, created: true };
    } catch (error) {
      if (violatedUniqueConstraint(error) === PRIMARY_KEY) {
        const concurrent = await this.replayOf(actor.tenantId, id, input);
        if (concurrent) return { orgUnit: concurrent, created: false };
      }
      throw error;
    }
  }

  /**
   * Renames a unit and/or moves it under another parent. A move carries the whole subtree: every
   * unit and user under it gets its new path in the same transaction, each with its event.
   */
  async update(actor: ScopedActor, id: string, input: UpdateOrgUnitDto, expectedVersion?: number): Promise<OrgUnitState> {
    return this.dataSource.transaction(async (manager) => {
      await this.tree.lockTree(manager, actor.tenantId);
      const unit = await this.reachableUnit(manager, actor, id);
      if (!unit) throw OrgUnitException.notFound(id);
      if (expectedVersion !== undefined && expectedVersion !== unit.version) {
        throw CommonException.preconditionFailed('org unit', id, String(expectedVersion));
      }
      const renamed = input.name !== undefined && input.name !== unit.name;
      const moving = input.parentId !== undefined && input.parentId !== unit.parentId;
      if (moving && input.parentId !== undefined) return this.move(manager, actor, unit, input.parentId, renamed ? input.name : undefined);
      if (!renamed || input.name === undefined) return toOrgUnitState(unit);
      return this.rename(manager, actor, unit, input.name);
    });
  }

  /** The path of a unit of the tenant (for placing users), read in the caller's transaction. */
  async findInTenant(manager: EntityManager, tenantId: string, id: string): Promise<OrgUnit | null> {
    return manager.getRepository(OrgUnit).findOneBy({ id, tenantId });
  }

  private async rename(manager: EntityManager, actor: Actor, unit: OrgUnit, name: string): Promise<OrgUnitState> {
    const before = toOrgUnitState(unit);
    const repository = manager.getRepository(OrgUnit);
    await repository.update({ id: unit.id }, { name });
    const after = toOrgUnitState(await repository.findOneByOrFail({ id: unit.id }));
    await this.outbox.publish(manager, 'fieldforce.permissions.org-unit.updated.v1', {
      ...currentEventCause(),
      subject: unit.id,
      tenantId: unit.tenantId,
      data: { orgUnit: after, changedFields: ['name'] },
    });
    await this.audit.record(manager, actor, [{ entity: 'org-unit', entityId: unit.id, action: 'updated', before, after }]);
    return after;
  }

  private async move(
    manager: EntityManager,
    actor: ScopedActor,
    unit: OrgUnit,
    parentId: string,
    name: string | undefined,
  ): Promise<OrgUnitState> {
    if (unit.parentId === null) throw OrgUnitException.rootImmovable(unit.id);
    const parent = await this.reachableUnit(manager, actor, parentId);
    if (!parent) throw OrgUnitException.parentNotFound(parentId);
    if (isUnderOrgPath(parent.path, unit.path)) throw OrgUnitException.moveCycle(unit.id, parentId);

    const oldPath = unit.path;
    const newPath = childOrgPath(parent.path, unit.id);
    const under = (alias: string) => `${alias} <@ CAST(:oldPath AS ltree)`;
    const units = manager.getRepository(OrgUnit);
    const users = manager.getRepository(User);
    const unitsBefore = await units.findBy({ tenantId: unit.tenantId, path: Raw(under, { oldPath }) });
    const usersBefore = await users.findBy({ tenantId: unit.tenantId, orgPath: Raw(under, { oldPath }) });
    await this.tree.moveSubtree(manager, { tenantId: unit.tenantId, unitId: unit.id, parentId, name, oldPath, newPath });
    await this.tree.moveUsersUnder(manager, { tenantId: unit.tenantId, oldPath, newPath });
    const unitsAfter = await units.findBy({ id: In(unitsBefore.map((before) => before.id)) });
    const usersAfter = await users.findBy({ id: In(usersBefore.map((before) => before.id)) });

    const audit: AuditChange[] = [];
    const unitBefore = new Map(unitsBefore.map((before) => [before.id, toOrgUnitState(before)]));
    // Ancestors first, so a consumer rebuilding the tree sees each parent's new path before its children's.
    unitsAfter.sort((a, b) => a.path.split('.').length - b.path.split('.').length);
    for (const moved of unitsAfter) {
      const after = toOrgUnitState(moved);
      const before = unitBefore.get(moved.id) ?? null;
      const changedFields = moved.id === unit.id ? ['parentId', 'path', ...(name === undefined ? [] : ['name'])] : ['path'];
      await this.outbox.publish(manager, 'fieldforce.permissions.org-unit.moved.v1', {
        ...currentEventCause(),
        subject: moved.id,
        tenantId: moved.tenantId,
        data: { orgUnit: after, changedFields, ...(before ? { previousPath: before.path } : {}) },
      });
      audit.push({ entity: 'org-unit', entityId: moved.id, action: 'moved', before, after });
    }

    const userBefore = new Map(usersBefore.map((before) => [before.id, toUserState(before)]));
    for (const moved of usersAfter) {
      const after = toUserState(moved);
      const before = userBefore.get(moved.id) ?? null;
      await this.outbox.publish(manager, 'fieldforce.permissions.user.moved.v1', {
        ...currentEventCause(),
        subject: moved.id,
        tenantId: moved.tenantId,
        data: { user: after, changedFields: ['orgPath'], ...(before ? { previous: { orgPath: before.orgPath } } : {}) },
      });
      audit.push({ entity: 'user', entityId: moved.id, action: 'moved', before, after });
    }
    await this.audit.record(manager, actor, audit);
    return toOrgUnitState(await units.findOneByOrFail({ id: unit.id }));
  }

  /** A unit of the actor's tenant that their scope reaches; null otherwise (the caller answers 404/422 alike). */
  private async reachableUnit(manager: EntityManager, actor: ScopedActor, id: string): Promise<OrgUnit | null> {
    const unit = await manager.getRepository(OrgUnit).findOneBy({ id, tenantId: actor.tenantId, deletedAt: IsNull() });
    return unit && scopeReaches(actor, unit.path) ? unit : null;
  }

  private async insert(
    manager: EntityManager,
    actor: Actor,
    unit: { id: string; name: string; parentId: string | null; path: string },
  ): Promise<OrgUnitState> {
    const repository = manager.getRepository(OrgUnit);
    await repository.insert({ ...unit, tenantId: actor.tenantId });
    const created = toOrgUnitState(await repository.findOneByOrFail({ id: unit.id }));
    await this.outbox.publish(manager, 'fieldforce.permissions.org-unit.created.v1', {
      ...currentEventCause(),
      subject: created.id,
      tenantId: created.tenantId,
      data: { orgUnit: created, changedFields: ['name', 'parentId', 'path'] },
    });
    await this.audit.record(manager, actor, [{ entity: 'org-unit', entityId: created.id, action: 'created', before: null, after: created }]);
    return created;
  }

  private async replayOf(tenantId: string, id: string, input: CreateOrgUnitDto): Promise<OrgUnitState | undefined> {
    const stored = await this.dataSource.getRepository(OrgUnit).findOne({ where: { id }, withDeleted: true });
    if (!stored) return undefined;
    if (stored.tenantId !== tenantId || stored.name !== input.name || stored.parentId !== input.parentId) {
      throw OrgUnitException.alreadyExists(id);
    }
    return toOrgUnitState(stored);
  }
}
