import { Logger } from '@nestjs/common';
import { Client, type Pool } from 'pg';
import { type DataSource, type EntityManager } from 'typeorm';
import { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { type RolePolicy } from '@fieldforce/contracts';
import { type AuthenticatedUser } from '../token/authenticated-user';
import { AccessPolicy } from './access-policy';
import { BUILT_IN_ROLE_POLICIES, type RoleRules } from './built-in-role-policies';
import { rolePoliciesChannel } from './role-policies-table';
import { RolePolicyEntity } from './role-policy.entity';

export interface RolePolicyStoreOptions {
  /** The service's DataSource, with `RolePolicyEntity` among its entities. */
  dataSource: DataSource;
  /**
   * Longest time a tenant's policies stay cached. Changes normally invalidate the cache at once
   * (NOTIFY); this bounds staleness while the LISTEN connection is lost. Default 60 s.
   */
  cacheTtlMs?: number;
  /** Delay before a lost LISTEN connection is re-opened. Default 1 s. */
  reconnectDelayMs?: number;
}

interface TenantPolicies {
  loadedAt: number;
  roles: ReadonlyMap<string, RoleRules>;
  /** Merged policies by sorted role list, since most requests repeat a few combinations. */
  merged: Map<string, AccessPolicy>;
}

function toRoleRules(row: RolePolicyEntity): RoleRules {
  return {
    name: row.name,
    rank: row.rank,
    scope: row.scope,
    requiresTotp: row.requiresTotp,
    actions: row.actions,
    fieldRules: row.fieldRules,
  };
}

/**
 * The role policies this service enforces: its local copy of the permissions service's roles
 * (table `role_policies`, fed by role events), cached in process. A tenant's built-in roles
 * follow the shared defaults until an event for them arrives. A change commits with a NOTIFY
 * that every replica listens for, so policies take effect without a restart.
 */
export class RolePolicyStore {
  private readonly logger = new Logger(RolePolicyStore.name);
  private readonly cacheTtlMs: number;
  private readonly reconnectDelayMs: number;
  private readonly cache = new Map<string, TenantPolicies>();
  private readonly loading = new Map<string, Promise<TenantPolicies>>();
  // Bumped by every invalidation: a load that started before one must not fill the cache.
  private generation = 0;
  private listener: Client | undefined;
  private running = false;

  constructor(private readonly options: RolePolicyStoreOptions) {
    this.cacheTtlMs = options.cacheTtlMs ?? 60_000;
    this.reconnectDelayMs = options.reconnectDelayMs ?? 1_000;
  }

  private get schema(): string {
    return this.options.dataSource.getMetadata(RolePolicyEntity).schema ?? 'public';
  }

  private get table(): string {
    return this.options.dataSource.getMetadata(RolePolicyEntity).tablePath;
  }

  /** Starts listening for policy changes committed by any replica. */
  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    await this.listen();
  }

  async stop(): Promise<void> {
    this.running = false;
    const listener = this.listener;
    this.listener = undefined;
    await listener?.end().catch(() => undefined);
  }

  /** The merged policy of a user's roles in their tenant; roles the service does not know grant nothing. */
  async policyFor(user: Pick<AuthenticatedUser, 'tenantId' | 'roles'>): Promise<AccessPolicy> {
    const tenant = await this.tenantPolicies(user.tenantId);
    const names = [...new Set(user.roles)].sort();
    const key = names.join(',');
    let policy = tenant.merged.get(key);
    if (!policy) {
      policy = new AccessPolicy(names.flatMap((name) => tenant.roles.get(name) ?? []));
      tenant.merged.set(key, policy);
    }
    return policy;
  }

  /** The roles of a tenant by name: the built-in defaults overlaid by what role events delivered. */
  async rolesOf(tenantId: string): Promise<ReadonlyMap<string, RoleRules>> {
    return (await this.tenantPolicies(tenantId)).roles;
  }

  /**
   * Stores `policy` in the transaction of `manager` unless the stored version is the same or newer
   * (events may arrive out of order or twice); resolves to true when it was stored. Replicas drop
   * their cached copy when the transaction commits.
   */
  async apply(manager: EntityManager, policy: RolePolicy): Promise<boolean> {
    const stored = await manager.query<unknown[]>(
      `INSERT INTO ${this.table} AS stored
         (tenant_id, name, id, rank, scope, requires_totp, actions, field_rules, version, built_in, updated_at, received_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9, $10, $11, now())
       ON CONFLICT (tenant_id, name) DO UPDATE SET
         id = EXCLUDED.id, rank = EXCLUDED.rank, scope = EXCLUDED.scope, requires_totp = EXCLUDED.requires_totp,
         actions = EXCLUDED.actions, field_rules = EXCLUDED.field_rules, version = EXCLUDED.version,
         built_in = EXCLUDED.built_in, updated_at = EXCLUDED.updated_at, received_at = now()
       WHERE stored.version < EXCLUDED.version
       RETURNING name`,
      [
        policy.tenantId,
        policy.name,
        policy.id,
        policy.rank,
        policy.scope,
        policy.requiresTotp,
        policy.actions,
        JSON.stringify(policy.fieldRules),
        policy.version,
        policy.builtIn,
        policy.updatedAt,
      ],
    );
    if (stored.length === 0) return false;
    await manager.query('SELECT pg_notify($1, $2)', [rolePoliciesChannel(this.schema), policy.tenantId]);
    return true;
  }

  /** Drops the cached policies of one tenant, or of all. */
  invalidate(tenantId?: string): void {
    this.generation += 1;
    if (tenantId === undefined) this.cache.clear();
    else this.cache.delete(tenantId);
  }

  private async tenantPolicies(tenantId: string): Promise<TenantPolicies> {
    const cached = this.cache.get(tenantId);
    if (cached && Date.now() - cached.loadedAt < this.cacheTtlMs) return cached;
    // Concurrent requests of one tenant share one query.
    let load = this.loading.get(tenantId);
    if (!load) {
      load = this.load(tenantId).finally(() => this.loading.delete(tenantId));
      this.loading.set(tenantId, load);
    }
    return load;
  }

  private async load(tenantId: string): Promise<TenantPolicies> {
    const generation = this.generation;
    const rows = await this.options.dataSource.getRepository(RolePolicyEntity).findBy({ tenantId });
    const roles = new Map<string, RoleRules>(Object.entries(BUILT_IN_ROLE_POLICIES));
    for (const row of rows) roles.set(row.name, toRoleRules(row));
    const loaded: TenantPolicies = { loadedAt: Date.now(), roles, merged: new Map() };
    if (generation === this.generation) this.cache.set(tenantId, loaded);
    return loaded;
  }

  // A dedicated connection outside the pool: LISTEN needs a session that stays open.
  private async listen(): Promise<void> {
    const driver = this.options.dataSource.driver;
    if (!(driver instanceof PostgresDriver)) throw new Error('The role policy store needs a PostgreSQL DataSource');
    const client = new Client((driver.master as Pool).options);
    const lost = (error?: Error): void => {
      if (this.listener !== client) return;
      this.listener = undefined;
      client.end().catch(() => undefined);
      this.retryListen(error);
    };
    try {
      await client.connect();
      client.on('notification', (message) => this.invalidate(message.payload || undefined));
      client.on('error', lost);
      client.on('end', () => lost());
      await client.query(`LISTEN "${rolePoliciesChannel(this.schema)}"`);
      this.listener = client;
      // Changes committed while nobody listened were not announced.
      this.invalidate();
    } catch (error) {
      await client.end().catch(() => undefined);
      this.retryListen(error);
    }
  }

  private retryListen(error: unknown): void {
    if (!this.running) return;
    this.logger.warn({ err: error }, 'Role policy LISTEN connection unavailable; cached policies expire by age meanwhile');
    setTimeout(() => void this.listen(), this.reconnectDelayMs).unref();
  }
}
