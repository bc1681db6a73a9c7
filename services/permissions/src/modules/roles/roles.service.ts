import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager, In, MoreThan } from 'typeorm';
import {
  BUILT_IN_ROLE_NAMES,
  BUILT_IN_ROLES,
  grantsAction,
  type RoleDefinition,
  type EffectivePolicy,
  type RolePolicy,
  uuidv7,
} from '@fieldforce/contracts';
import { OutboxPublisher } from '@fieldforce/messaging';
import { updateVersioned } from '@fieldforce/persistence';
import { CommonException } from '@fieldforce/platform';
import { type Actor, currentEventCause } from '../../common/actor';
import { violatedUniqueConstraint } from '../../common/database-errors';
import { type Page, type PageRequest, toPage } from '../../common/pagination';
import { AuditService } from '../audit/audit.service';
import { type CreateRoleDto, type UpdateRoleDto } from './dto/role.dto';
import { Role } from './entities/role.entity';
import { normaliseFieldRules } from './field-rules';
import { toRolePolicy } from './role.state';
import { RoleException } from './roles.exception';

const PRIMARY_KEY = 'roles_pkey';
const NAME_KEY = 'roles_tenant_name_key';
const POLICY_FIELDS = ['rank', 'scope', 'requiresTotp', 'actions', 'fieldRules'] as const;
type PolicyField = (typeof POLICY_FIELDS)[number];

/** Who grants a role: their merged policy bounds what the role may hold. */
export type Grantor = Actor & { policy: Pick<EffectivePolicy, 'rank' | 'actions'> };

/**
 * A grantor may not create or shape a role above themselves: its rank at most theirs, and only
 * actions their own roles grant. Keeps user:manage / role:manage from becoming a way up.
 */
export function assertWithinGrantorRights(grantor: Grantor, rank: number, actions: readonly string[]): void {
  if (rank > grantor.policy.rank) throw RoleException.beyondCallerRights(`rank ${rank} is above your rank ${grantor.policy.rank}`);
  const missing = actions.filter((action) => !grantsAction(grantor.policy.actions, action));
  if (missing.length > 0) throw RoleException.beyondCallerRights(`your roles do not grant ${missing.join(', ')}`);
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Tenants' roles: built-ins at tenant creation, tenant-defined ones, their policies and the role events. */
@Injectable()
export class RolesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly outbox: OutboxPublisher,
    private readonly audit: AuditService,
  ) {}

  /** The tenant's roles in creation order. */
  async list(tenantId: string, page: PageRequest): Promise<Page<RolePolicy>> {
    const rows = await this.dataSource.getRepository(Role).find({
      where: { tenantId, ...(page.after === null ? {} : { id: MoreThan(page.after) }) },
      order: { id: 'ASC' },
      take: page.limit + 1,
    });
    return toPage(rows, page.limit, toRolePolicy);
  }

  async get(tenantId: string, id: string): Promise<RolePolicy> {
    const role = await this.dataSource.getRepository(Role).findOneBy({ id, tenantId });
    if (!role) throw RoleException.notFound(id);
    return toRolePolicy(role);
  }

  /** The tenant's roles with these names (those that exist). */
  findByNames(manager: EntityManager, tenantId: string, names: readonly string[]): Promise<Role[]> {
    return manager.getRepository(Role).findBy({ tenantId, name: In([...names]) });
  }

  /** Creates a tenant-defined role; replaying a create with the same id and content answers the stored role. */
  async create(grantor: Grantor, input: CreateRoleDto): Promise<{ role: RolePolicy; created: boolean }> {
    const definition: RoleDefinition = {
      rank: input.rank,
      scope: input.scope,
      requiresTotp: input.requiresTotp ?? false,
      actions: [...new Set(input.actions)],
      fieldRules: normaliseFieldRules(input.fieldRules ?? {}),
    };
    assertWithinGrantorRights(grantor, definition.rank, definition.actions);
    const id = input.id ?? uuidv7();
    const replay = await this.replayOf(grantor.tenantId, id, input.name, definition);
    if (replay) return { role: replay, created: false };
    try {
      const role = await this.dataSource.transaction((manager) =>
        this.insert(manager, grantor, { id, name: input.name, builtIn: false, ...definition }),
      );
      return { role, created: true };
    } catch (error) {
      const constraint = violatedUniqueConstraint(error);
      if (constraint === PRIMARY_KEY) {
        const concurrent = await this.replayOf(grantor.tenantId, id, input.name, definition);
        if (concurrent) return { role: concurrent, created: false };
      }
      if (constraint === NAME_KEY) throw RoleException.nameTaken(input.name);
      throw error;
    }
  }

  /** Changes a role's policy (built-ins included) and publishes `role.updated`; nothing happens when nothing changes. */
  async update(grantor: Grantor, id: string, input: UpdateRoleDto, expectedVersion?: number): Promise<RolePolicy> {
    return this.dataSource.transaction(async (manager) => {
      const repository = manager.getRepository(Role);
      const role = await repository.findOne({ where: { id, tenantId: grantor.tenantId }, lock: { mode: 'pessimistic_write' } });
      if (!role) throw RoleException.notFound(id);
      if (expectedVersion !== undefined && expectedVersion !== role.version) {
        throw CommonException.preconditionFailed('role', id, String(expectedVersion));
      }
      const next: RoleDefinition = {
        rank: input.rank ?? role.rank,
        scope: input.scope ?? role.scope,
        requiresTotp: input.requiresTotp ?? role.requiresTotp,
        actions: input.actions === undefined ? role.actions : [...new Set(input.actions)],
        fieldRules: input.fieldRules === undefined ? role.fieldRules : normaliseFieldRules(input.fieldRules),
      };
      // Both the role as it is and as it would be must lie within the grantor's rights.
      assertWithinGrantorRights(grantor, role.rank, role.actions);
      assertWithinGrantorRights(grantor, next.rank, next.actions);
      const changedFields = POLICY_FIELDS.filter((field: PolicyField) => !sameJson(role[field], next[field]));
      if (changedFields.length === 0) return toRolePolicy(role);
      const before = toRolePolicy(role);
      const result = await updateVersioned(repository, { id, tenantId: grantor.tenantId, version: role.version }, next);
      if (result.outcome !== 'updated') throw CommonException.versionConflict('role', id, role.version);
      const after = toRolePolicy(await repository.findOneByOrFail({ id }));
      await this.outbox.publish(manager, 'fieldforce.permissions.role.updated.v1', {
        ...currentEventCause(),
        subject: id,
        tenantId: grantor.tenantId,
        data: { role: after, changedFields: [...changedFields] },
      });
      await this.audit.record(manager, grantor, [{ entity: 'role', entityId: id, action: 'updated', before, after }]);
      return after;
    });
  }

  /** The built-in roles of a new tenant, in the tenant-creation transaction. */
  async createBuiltIns(manager: EntityManager, actor: Actor): Promise<RolePolicy[]> {
    const roles: RolePolicy[] = [];
    for (const name of BUILT_IN_ROLE_NAMES) {
      roles.push(await this.insert(manager, actor, { id: uuidv7(), name, builtIn: true, ...BUILT_IN_ROLES[name] }));
    }
    return roles;
  }

  private async insert(
    manager: EntityManager,
    actor: Actor,
    role: RoleDefinition & { id: string; name: string; builtIn: boolean },
  ): Promise<RolePolicy> {
    const repository = manager.getRepository(Role);
    await repository.insert({ ...role, tenantId: actor.tenantId, fieldRules: role.fieldRules });
    const created = toRolePolicy(await repository.findOneByOrFail({ id: role.id }));
    await this.outbox.publish(manager, 'fieldforce.permissions.role.created.v1', {
      ...currentEventCause(),
      subject: created.id,
      tenantId: created.tenantId,
      data: { role: created, changedFields: ['name', ...POLICY_FIELDS] },
    });
    await this.audit.record(manager, actor, [{ entity: 'role', entityId: created.id, action: 'created', before: null, after: created }]);
    return created;
  }

  private async replayOf(tenantId: string, id: string, name: string, definition: RoleDefinition): Promise<RolePolicy | undefined> {
    const stored = await this.dataSource.getRepository(Role).findOne({ where: { id }, withDeleted: true });
    if (!stored) return undefined;
    const same =
      stored.tenantId === tenantId &&
      stored.deletedAt === null &&
      stored.name === name &&
      POLICY_FIELDS.every((field) => sameJson(stored[field], definition[field]));
    if (!same) throw RoleException.alreadyExists(id);
    return toRolePolicy(stored);
  }
}
