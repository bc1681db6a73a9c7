import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { type UserState, uuidv7 } from '@fieldforce/contracts';
import { OutboxPublisher } from '@fieldforce/messaging';
import { updateVersioned } from '@fieldforce/persistence';
import { CommonException } from '@fieldforce/platform';
import { type Actor, currentEventCause } from '../../common/actor';
import { ORG_TREE_LOCK_SQL, violatedUniqueConstraint } from '../../common/database-errors';
import { type Page, type PageRequest, toPage } from '../../common/pagination';
import { type ScopedActor, scopeReaches } from '../../common/scoped-actor';
import { AuditService } from '../audit/audit.service';
import { OrgUnitsService } from '../org-units/org-units.service';
import { type Role } from '../roles/entities/role.entity';
import { RolesService } from '../roles/roles.service';
import { SessionsService } from '../sessions/sessions.service';
import { type CreateUserDto, type UpdateUserDto } from './dto/user.dto';
import { User } from './entities/user.entity';
import { PasswordHasher } from './password-hasher';
import { toUserState } from './user.state';
import { UserException } from './users.exception';

const PRIMARY_KEY = 'users_pkey';
const USERNAME_KEY = 'users_tenant_username_key';

/** The kinds of user change, one event type each. */
export type UserChangeKind = 'created' | 'updated' | 'moved' | 'roles-changed' | 'deactivated';

const EVENT_TYPES = {
  created: 'fieldforce.permissions.user.created.v1',
  updated: 'fieldforce.permissions.user.updated.v1',
  moved: 'fieldforce.permissions.user.moved.v1',
  'roles-changed': 'fieldforce.permissions.user.roles-changed.v1',
  deactivated: 'fieldforce.permissions.user.deactivated.v1',
} as const satisfies Record<UserChangeKind, string>;

/** One event of a change: its kind, the fields it covers and, for moves and role changes, the old values. */
export interface UserChangeEvent {
  kind: UserChangeKind;
  changedFields: string[];
  previous?: { orgPath?: string; roles?: string[] };
}

export interface UserFilter {
  orgUnitId?: string;
  under?: string;
  role?: string;
  active?: boolean;
}

/** The initial administrator of a new tenant. */
export interface InitialUser {
  username: string;
  password: string;
  displayName: string;
  orgUnitId: string;
  orgPath: string;
  roles: string[];
}

function highestRank(roles: readonly Role[]): number {
  return roles.reduce((highest, role) => Math.max(highest, role.rank), 0);
}

function sameRoles(a: readonly string[], b: readonly string[]): boolean {
  return JSON.stringify([...a].sort()) === JSON.stringify([...b].sort());
}

/** Users of a tenant: who they are, where they sit, which roles they hold; every change published and audited. */
@Injectable()
export class UsersService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly outbox: OutboxPublisher,
    private readonly audit: AuditService,
    private readonly roles: RolesService,
    private readonly orgUnits: OrgUnitsService,
    private readonly sessions: SessionsService,
    private readonly hasher: PasswordHasher,
  ) {}

  /** The users the caller's scope reaches (own: themself; team/region: their unit's subtree; all: the tenant). */
  async list(caller: ScopedActor, filter: UserFilter, page: PageRequest): Promise<Page<UserState>> {
    const query = this.dataSource
      .getRepository(User)
      .createQueryBuilder('member')
      .where('member.tenant_id = :tenantId', { tenantId: caller.tenantId })
      .orderBy('member.id', 'ASC')
      .take(page.limit + 1);
    if (caller.policy.scope === 'own') query.andWhere('member.id = :self', { self: caller.userId });
    if (caller.policy.scope === 'team' || caller.policy.scope === 'region') {
      query.andWhere('member.org_path <@ CAST(:reach AS ltree)', { reach: caller.orgPath });
    }
    if (page.after !== null) query.andWhere('member.id > :after', { after: page.after });
    if (filter.orgUnitId !== undefined) query.andWhere('member.org_unit_id = :orgUnitId', { orgUnitId: filter.orgUnitId });
    if (filter.under !== undefined) {
      query.andWhere(
        'member.org_path <@ (SELECT anchor.path FROM permissions.org_units anchor WHERE anchor.id = :under AND anchor.tenant_id = :tenantId)',
        { under: filter.under },
      );
    }
    if (filter.role !== undefined) query.andWhere(':role = ANY(member.roles)', { role: filter.role });
    if (filter.active !== undefined) query.andWhere('member.active = :active', { active: filter.active });
    return toPage(await query.getMany(), page.limit, toUserState);
  }

  /** A user the caller's scope reaches; 404 otherwise, as for an id that does not exist. */
  async get(caller: ScopedActor, id: string): Promise<UserState> {
    const user = await this.dataSource.getRepository(User).findOneBy({ id, tenantId: caller.tenantId });
    if (!user || !this.reaches(caller, user)) throw UserException.notFound(id);
    return toUserState(user);
  }

  /** Creates a user in an org unit the caller reaches, with roles no higher than the caller's rank. */
  async create(caller: ScopedActor, input: CreateUserDto): Promise<{ user: UserState; created: boolean }> {
    const id = input.id ?? uuidv7();
    const replay = await this.replayOf(caller.tenantId, id, input);
    if (replay) return { user: replay, created: false };
    const passwordHash = await this.hasher.hash(input.password);
    try {
      const user = await this.dataSource.transaction(async (manager) => {
        await manager.query(ORG_TREE_LOCK_SQL, [caller.tenantId]);
        const unit = await this.orgUnits.findInTenant(manager, caller.tenantId, input.orgUnitId);
        if (!unit || !scopeReaches(caller, unit.path)) throw UserException.orgUnitNotFound(input.orgUnitId);
        const roles = [...new Set(input.roles)];
        await this.assertGrantable(manager, caller, roles);
        return this.insert(manager, caller, {
          id,
          username: input.username,
          displayName: input.displayName,
          orgUnitId: unit.id,
          orgPath: unit.path,
          roles,
          passwordHash,
        });
      });
      return { user, created: true };
    } catch (error) {
      const constraint = violatedUniqueConstraint(error);
      if (constraint === PRIMARY_KEY) {
        const concurrent = await this.replayOf(caller.tenantId, id, input);
        if (concurrent) return { user: concurrent, created: false };
      }
      if (constraint === USERNAME_KEY) throw UserException.usernameTaken(input.username);
      throw error;
    }
  }

  /** The first administrator of a new tenant, in the tenant-creation transaction (no caller to check against). */
  async createInitial(manager: EntityManager, actor: Actor, initial: InitialUser): Promise<UserState> {
    const { password, ...placement } = initial;
    return this.insert(manager, actor, { id: uuidv7(), ...placement, passwordHash: await this.hasher.hash(password) });
  }

  /**
   * Changes a user: display name, org unit (a move), roles, active, password, TOTP reset. Publishes
   * one event per kind of change, each with the new state. Deactivating, a new password or a TOTP
   * reset ends every session.
   */
  async update(caller: ScopedActor, id: string, input: UpdateUserDto, expectedVersion?: number): Promise<UserState> {
    const passwordHash = input.password === undefined ? undefined : await this.hasher.hash(input.password);
    return this.dataSource.transaction(async (manager) => {
      if (input.orgUnitId !== undefined) await manager.query(ORG_TREE_LOCK_SQL, [caller.tenantId]);
      const user = await this.managedUser(manager, caller, id);
      if (expectedVersion !== undefined && expectedVersion !== user.version) {
        throw CommonException.preconditionFailed('user', id, String(expectedVersion));
      }
      const changes: Partial<User> = {};
      const events: UserChangeEvent[] = [];
      const updatedFields: string[] = [];

      if (input.orgUnitId !== undefined && input.orgUnitId !== user.orgUnitId) {
        const unit = await this.orgUnits.findInTenant(manager, caller.tenantId, input.orgUnitId);
        if (!unit || !scopeReaches(caller, unit.path)) throw UserException.orgUnitNotFound(input.orgUnitId);
        changes.orgUnitId = unit.id;
        changes.orgPath = unit.path;
        events.push({ kind: 'moved', changedFields: ['orgUnitId', 'orgPath'], previous: { orgPath: user.orgPath } });
      }
      if (input.roles !== undefined && !sameRoles(input.roles, user.roles)) {
        const roles = [...new Set(input.roles)];
        await this.assertGrantable(manager, caller, roles);
        changes.roles = roles;
        events.push({ kind: 'roles-changed', changedFields: ['roles'], previous: { roles: [...user.roles] } });
      }
      if (input.displayName !== undefined && input.displayName !== user.displayName) {
        changes.displayName = input.displayName;
        updatedFields.push('displayName');
      }
      if (passwordHash !== undefined) {
        changes.passwordHash = passwordHash;
        updatedFields.push('password');
      }
      if (input.totpEnabled === false && user.totpEnabled) {
        Object.assign(changes, { totpEnabled: false, totpSecret: null, totpPendingSecret: null, totpLastStep: null });
        updatedFields.push('totpEnabled');
      }
      if (input.active !== undefined && input.active !== user.active) {
        if (!input.active && user.id === caller.userId) throw UserException.selfDeactivation();
        changes.active = input.active;
        if (input.active) updatedFields.push('active');
        else events.push({ kind: 'deactivated', changedFields: ['active'] });
      }
      if (updatedFields.length > 0) events.push({ kind: 'updated', changedFields: updatedFields });
      if (events.length === 0) return toUserState(user);

      const before = toUserState(user);
      const result = await updateVersioned(manager.getRepository(User), { id, tenantId: caller.tenantId, version: user.version }, changes);
      if (result.outcome !== 'updated') throw CommonException.versionConflict('user', id, user.version);
      if (changes.active === false) await this.sessions.revokeAllOfUser(manager, id, 'user-deactivated');
      else if (passwordHash !== undefined || changes.totpEnabled === false) await this.sessions.revokeAllOfUser(manager, id, 'admin-revoked');
      const after = toUserState(await manager.getRepository(User).findOneByOrFail({ id }));
      await this.recordChange(manager, caller, before, after, events);
      return after;
    });
  }

  /** Ends every session of a user (their refresh tokens stop working, their access tokens here too). */
  async revokeSessions(caller: ScopedActor, id: string): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const user = await this.managedUser(manager, caller, id);
      const revoked = await this.sessions.revokeAllOfUser(manager, user.id, 'admin-revoked');
      await this.audit.record(manager, caller, [
        { entity: 'user', entityId: user.id, action: 'sessions-revoked', before: null, after: { revokedSessions: revoked } },
      ]);
      return revoked;
    });
  }

  /** Publishes the events of a user change and records it in the audit log, in the change's transaction. */
  async recordChange(
    manager: EntityManager,
    actor: Actor,
    before: UserState | null,
    after: UserState,
    events: readonly UserChangeEvent[],
  ): Promise<void> {
    for (const event of events) {
      await this.outbox.publish(manager, EVENT_TYPES[event.kind], {
        ...currentEventCause(),
        subject: after.id,
        tenantId: after.tenantId,
        data: { user: after, changedFields: event.changedFields, ...(event.previous ? { previous: event.previous } : {}) },
      });
    }
    const action = events.map((event) => event.kind).join(',');
    await this.audit.record(manager, actor, [{ entity: 'user', entityId: after.id, action, before, after }]);
  }

  private reaches(caller: ScopedActor, user: User): boolean {
    return caller.policy.scope === 'own' ? user.id === caller.userId : scopeReaches(caller, user.orgPath);
  }

  /** A user of the caller's tenant, in their scope and not outranking them, locked for the change. */
  private async managedUser(manager: EntityManager, caller: ScopedActor, id: string): Promise<User> {
    const user = await manager.getRepository(User).findOne({ where: { id, tenantId: caller.tenantId }, lock: { mode: 'pessimistic_write' } });
    if (!user || !this.reaches(caller, user)) throw UserException.notFound(id);
    const rank = highestRank(await this.roles.findByNames(manager, caller.tenantId, user.roles));
    if (rank > caller.policy.rank) throw UserException.beyondCallerRights(`${user.username} outranks you`);
    return user;
  }

  /** The roles exist in the tenant and none ranks above the caller. */
  private async assertGrantable(manager: EntityManager, caller: ScopedActor, names: readonly string[]): Promise<void> {
    const roles = await this.roles.findByNames(manager, caller.tenantId, names);
    const unknown = names.filter((name) => !roles.some((role) => role.name === name));
    if (unknown.length > 0) throw UserException.unknownRoles(unknown);
    const above = roles.filter((role) => role.rank > caller.policy.rank).map((role) => role.name);
    if (above.length > 0) throw UserException.beyondCallerRights(`${above.join(', ')} rank(s) above you`);
  }

  private async insert(
    manager: EntityManager,
    actor: Actor,
    user: Omit<InitialUser, 'password'> & { id: string; passwordHash: string },
  ): Promise<UserState> {
    const repository = manager.getRepository(User);
    await repository.insert({ ...user, tenantId: actor.tenantId, active: true, totpEnabled: false });
    const created = toUserState(await repository.findOneByOrFail({ id: user.id }));
    await this.recordChange(manager, actor, null, created, [
      { kind: 'created', changedFields: ['username', 'displayName', 'orgUnitId', 'orgPath', 'roles'] },
    ]);
    return created;
  }

  private async replayOf(tenantId: string, id: string, input: CreateUserDto): Promise<UserState | undefined> {
    const stored = await this.dataSource.getRepository(User).findOne({ where: { id }, withDeleted: true });
    if (!stored) return undefined;
    // The password is not compared: a replay is the same client retrying, and hashes differ by salt.
    const same =
      stored.tenantId === tenantId &&
      stored.username === input.username &&
      stored.displayName === input.displayName &&
      stored.orgUnitId === input.orgUnitId &&
      sameRoles(stored.roles, input.roles);
    if (!same) throw UserException.alreadyExists(id);
    return toUserState(stored);
  }
}
