import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { createEvent, type UserState } from '@fieldforce/contracts';
import {
  type ServiceProcess,
  TestEventPublisher,
  TestJwks,
  eventually,
  startServiceProcess,
  testAdminUrl,
  testDatabaseUrl,
  testKafka,
  testRedis,
} from '@fieldforce/testing';
import { OwnerProxy } from './owner-proxy';

/** The visits service as a real process behind its own `OwnerProxy` (with `startPushPlatform({ visits: true })`). */
export interface VisitsOwner {
  readonly process: ServiceProcess;
  proxy: OwnerProxy;
  /** SIGKILLs visits (an outage: sync's calls through the proxy find no owner). */
  kill(): Promise<void>;
  /** Starts visits again on its port (after `kill`, or a test that failed midway); a no-op while it runs. */
  ensure(): Promise<void>;
}

/** The customers service and sync as real processes, sync reaching customers through an `OwnerProxy`. */
export interface PushPlatform {
  jwks: TestJwks;
  customers: ServiceProcess;
  proxy: OwnerProxy;
  /** Only when started with `visits: true`. */
  visits?: VisitsOwner;
  sync: ServiceProcess;
  /** The run's database as administrator: what tests check behind the services' backs. */
  db: Pool;
  /** SIGKILLs sync (a crash) and starts it again on the same port. */
  crashAndRestartSync(): Promise<void>;
  /** Starts sync again on its port if it is not running (after a test that crashed it failed midway). */
  ensureSync(): Promise<void>;
  stop(): Promise<void>;
}

export interface PushUser {
  id: string;
  token: string;
  role: 'rep' | 'supervisor' | 'regional_manager';
}

const isLive = (service: ServiceProcess): Promise<boolean> =>
  fetch(`${service.url}/health/live`).then(
    (response) => response.ok,
    () => false,
  );

/** Visits on a port of its own behind a proxy, fed by the same broker (customers' events build its customer read model). */
async function startVisitsOwner(env: Record<string, string>): Promise<VisitsOwner> {
  let visits = await startServiceProcess('visits', env);
  const proxy = await OwnerProxy.start(visits.url);
  return {
    get process() {
      return visits;
    },
    proxy,
    kill: () => visits.kill(),
    ensure: async () => {
      if (!(await isLive(visits))) visits = await startServiceProcess('visits', env, { port: visits.port });
    },
  };
}

/**
 * Starts JWKS, customers, the proxy and sync (owner calls time out after `ownerTimeoutMs`); with
 * `visits`, also the visits service behind a proxy of its own, as sync's owner of visit tasks and reports.
 */
export async function startPushPlatform(options: { ownerTimeoutMs?: number; visits?: boolean } = {}): Promise<PushPlatform> {
  const kafka = testKafka();
  const kafkaEnv = { KAFKA_BROKERS: kafka.brokers.join(','), KAFKA_TOPIC_PREFIX: kafka.topicPrefix };
  const jwks = await TestJwks.start();
  const customers = await startServiceProcess('customers', { ...kafkaEnv, ...jwks.env(), DATABASE_URL: testDatabaseUrl('customers') });
  const proxy = await OwnerProxy.start(customers.url);
  const redis = testRedis();
  const visits = options.visits
    ? await startVisitsOwner({
        ...kafkaEnv,
        ...jwks.env(),
        DATABASE_URL: testDatabaseUrl('visits'),
        REDIS_URL: redis.url,
        REDIS_KEY_PREFIX: `${redis.keyPrefix}push-visits:`,
        REMINDERS_ENABLED: 'false',
      })
    : undefined;
  const syncEnv = {
    ...kafkaEnv,
    ...jwks.env(),
    DATABASE_URL: testDatabaseUrl('sync'),
    OWNER_CUSTOMERS_URL: proxy.url,
    ...(visits ? { OWNER_VISITS_URL: visits.proxy.url } : {}),
    OWNER_TIMEOUT_MS: String(options.ownerTimeoutMs ?? 3_000),
  };
  let sync = await startServiceProcess('sync', syncEnv);
  const db = new Pool({ connectionString: testAdminUrl(), max: 4 });
  const platform: PushPlatform = {
    jwks,
    customers,
    proxy,
    visits,
    get sync() {
      return sync;
    },
    db,
    crashAndRestartSync: async () => {
      const port = sync.port;
      await sync.kill();
      sync = await startServiceProcess('sync', syncEnv, { port });
    },
    ensureSync: async () => {
      if (!(await isLive(sync))) await platform.crashAndRestartSync();
    },
    stop: async () => {
      await sync?.stop();
      await proxy?.down();
      await visits?.proxy.down();
      await visits?.process.stop();
      await customers?.stop();
      await db.end();
      await jwks.stop();
    },
  };
  return platform;
}

/**
 * A tenant with reps, a supervisor and a regional manager (the built-in role that may delete
 * customers) in one org unit, known to the customers service (through their user events, as the
 * permissions service publishes them).
 */
export async function seedTenant(
  platform: PushPlatform,
  reps = 2,
): Promise<{ tenantId: string; reps: PushUser[]; supervisor: PushUser; manager: PushUser }> {
  const tenantId = randomUUID();
  const orgUnitId = randomUUID();
  const now = new Date().toISOString();
  const state = (role: PushUser['role']): UserState => {
    const id = randomUUID();
    return {
      id,
      tenantId,
      username: `${role}-${id.slice(0, 8)}`,
      displayName: `${role} ${id.slice(0, 8)}`,
      orgUnitId,
      orgPath: 'emea.north',
      roles: [role],
      active: true,
      totpEnabled: false,
      version: 1,
      createdAt: now,
      updatedAt: now,
    };
  };
  const users = [...Array.from({ length: reps }, () => state('rep')), state('supervisor'), state('regional_manager')];
  const publisher = await TestEventPublisher.connect(testKafka(), 'permissions');
  try {
    await publisher.publish(
      ...users.map((user) =>
        createEvent('fieldforce.permissions.user.created.v1', {
          subject: user.id,
          tenantId,
          data: { user, changedFields: ['username', 'displayName', 'orgUnitId', 'orgPath', 'roles'] },
        }),
      ),
    );
  } finally {
    await publisher.disconnect();
  }
  await eventually('customers knows the tenant\'s users', async () => {
    const { rows } = await platform.db.query<{ count: number }>('SELECT count(*)::int AS count FROM customers.users WHERE tenant_id = $1', [tenantId]);
    return rows[0]?.count === users.length;
  });
  const asPushUser = async (user: UserState): Promise<PushUser> => ({
    id: user.id,
    role: user.roles[0] as PushUser['role'],
    token: await platform.jwks.sign({ sub: user.id, tid: tenantId, roles: user.roles, org: user.orgPath }, { expiresInSeconds: 3_600 }),
  });
  const all = await Promise.all(users.map(asPushUser));
  return { tenantId, reps: all.slice(0, reps), supervisor: all[reps]!, manager: all[reps + 1]! };
}

export interface PushedMutation {
  mutationId: number;
  entity: string;
  entityId: string;
  op: 'create' | 'update' | 'delete';
  baseVersion: number;
  base: Record<string, unknown>;
  changes: Record<string, unknown>;
}

export interface MutationResult {
  mutationId: number;
  status: 'applied' | 'merged' | 'rejected' | 'retry' | 'pending';
  version?: number;
  conflicts?: Record<string, unknown>[];
  data?: Record<string, unknown> | null;
  problem?: Record<string, unknown> & { status: number; code: string };
}

export interface PushAnswer {
  status: number;
  contentType: string | null;
  body: { results: MutationResult[] } & Record<string, unknown>;
}

/** One `POST /api/v1/sync/push` as the app sends it. */
export async function push(
  sync: Pick<ServiceProcess, 'url'>,
  user: PushUser,
  body: { clientId: string; mutations: PushedMutation[] },
  headers: Record<string, string> = {},
  signal?: AbortSignal,
): Promise<PushAnswer> {
  const response = await fetch(`${sync.url}/api/v1/sync/push`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${user.token}`, ...headers },
    body: JSON.stringify(body),
    signal,
  });
  return { status: response.status, contentType: response.headers.get('content-type'), body: (await response.json()) as PushAnswer['body'] };
}

/** A customer as its owner serves it to `user` (404 outside the user's scope or once deleted). */
export async function readCustomer(
  platform: PushPlatform,
  user: PushUser,
  id: string,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${platform.customers.url}/api/v1/customers/${id}`, { headers: { authorization: `Bearer ${user.token}` } });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** Creates a customer over REST as `user` (owned by `ownerId`); answers its state. */
export async function createCustomer(
  platform: PushPlatform,
  user: PushUser,
  fields: Record<string, unknown> = {},
): Promise<Record<string, unknown> & { id: string; version: number }> {
  const response = await fetch(`${platform.customers.url}/api/v1/customers`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${user.token}` },
    body: JSON.stringify({ id: randomUUID(), name: 'Corner Pharmacy Nord', grade: 'B', address: 'Invalidenstraße 12', tags: ['pharmacy'], ...fields }),
  });
  const body = (await response.json()) as Record<string, unknown> & { id: string; version: number };
  if (response.status !== 201) throw new Error(`create answered ${response.status}: ${JSON.stringify(body)}`);
  return body;
}

/** The events the customers service appended for a customer (one per applied change), oldest first. */
export async function customerEvents(platform: PushPlatform, customerId: string): Promise<{ type: string; version: number }[]> {
  const { rows } = await platform.db.query<{ type: string; version: number }>(
    `SELECT payload->>'type' AS type, (payload->'data'->'customer'->>'version')::int AS version
     FROM customers.outbox WHERE message_key = $1 ORDER BY id`,
    [customerId],
  );
  return rows;
}

/** The results sync stored for a client, by mutation id. */
export async function storedResults(platform: Pick<PushPlatform, 'db'>, clientId: string): Promise<MutationResult[]> {
  const { rows } = await platform.db.query<{ result: MutationResult }>(
    'SELECT result FROM sync.mutation_results WHERE client_id = $1 ORDER BY mutation_id',
    [clientId],
  );
  return rows.map((row) => row.result);
}
