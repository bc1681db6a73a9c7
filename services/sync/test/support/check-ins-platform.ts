import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { type CustomerState, createEvent } from '@fieldforce/contracts';
import {
  type ServiceProcess,
  type SyncUploads,
  TestEventPublisher,
  TestJwks,
  eventually,
  freePort,
  startServiceProcess,
  startSyncUploads,
  testAdminUrl,
  testDatabaseUrl,
  testKafka,
  testRedis,
} from '@fieldforce/testing';
import { OwnerProxy } from './owner-proxy';
import { type PushUser } from './push-platform';

/**
 * The checkins service and sync as real processes, sync reaching checkins through an `OwnerProxy` and
 * checkins reading photo uploads from sync (`UPLOADS_URL`), as in production.
 */
export interface CheckInsPlatform {
  jwks: TestJwks;
  checkins: ServiceProcess;
  proxy: OwnerProxy;
  /** Sync, with a fresh upload store; `upload` makes a device's tus upload. */
  sync: SyncUploads;
  /** The run's database as administrator: what tests check behind the services' backs. */
  db: Pool;
  /** SIGKILLs checkins (an outage: sync's calls are refused). */
  killCheckins(): Promise<void>;
  /** Starts checkins again on its port (after `killCheckins`, or a test that failed midway); a no-op while it runs. */
  ensureCheckins(): Promise<void>;
  stop(): Promise<void>;
}

const isLive = (service: ServiceProcess): Promise<boolean> =>
  fetch(`${service.url}/health/live`).then(
    (response) => response.ok,
    () => false,
  );

/** Starts JWKS, checkins, the proxy and sync (owner calls time out after `ownerTimeoutMs`). */
export async function startCheckInsPlatform(options: { ownerTimeoutMs?: number } = {}): Promise<CheckInsPlatform> {
  const kafka = testKafka();
  const redis = testRedis();
  const kafkaEnv = { KAFKA_BROKERS: kafka.brokers.join(','), KAFKA_TOPIC_PREFIX: kafka.topicPrefix };
  const jwks = await TestJwks.start();
  // Each needs the other's address: sync's port is chosen first.
  const syncPort = await freePort();
  const checkinsEnv = {
    ...kafkaEnv,
    ...jwks.env(),
    DATABASE_URL: testDatabaseUrl('checkins'),
    REDIS_URL: redis.url,
    REDIS_KEY_PREFIX: `${redis.keyPrefix}push-check-ins:`,
    UPLOADS_URL: `http://127.0.0.1:${syncPort}`,
  };
  let checkins = await startServiceProcess('checkins', checkinsEnv);
  const proxy = await OwnerProxy.start(checkins.url);
  const sync = await startSyncUploads(
    {
      ...jwks.env(),
      OWNER_CHECKINS_URL: proxy.url,
      OWNER_TIMEOUT_MS: String(options.ownerTimeoutMs ?? 5_000),
      // One connection, as a saturated pool is: a push waiting for checkins, which calls back into
      // sync to verify the photos, must not hold the connection that callback needs.
      DATABASE_POOL_SIZE: '1',
    },
    { port: syncPort },
  );
  const db = new Pool({ connectionString: testAdminUrl(), max: 4 });
  const platform: CheckInsPlatform = {
    jwks,
    get checkins() {
      return checkins;
    },
    proxy,
    sync,
    db,
    killCheckins: () => checkins.kill(),
    ensureCheckins: async () => {
      if (!(await isLive(checkins))) checkins = await startServiceProcess('checkins', checkinsEnv, { port: checkins.port });
    },
    stop: async () => {
      await sync?.close();
      await proxy?.down();
      await checkins?.stop();
      await db.end();
      await jwks.stop();
    },
  };
  return platform;
}

/** A rep of a new tenant (token for both services), and a customer at `location` that checkins knows (through its event). */
export async function seedRepAndCustomer(
  platform: CheckInsPlatform,
  location: { lat: number; lng: number },
): Promise<{ tenantId: string; rep: PushUser; otherRep: PushUser; customer: CustomerState }> {
  const tenantId = randomUUID();
  const now = new Date().toISOString();
  const customer: CustomerState = {
    id: randomUUID(),
    tenantId,
    name: 'Corner Pharmacy Nord',
    grade: 'A',
    location,
    address: null,
    contacts: [],
    tags: [],
    externalId: null,
    ownerId: null,
    orgPath: 'emea.north',
    creditLimit: null,
    customFields: {},
    version: 1,
    createdAt: now,
    updatedAt: now,
    deletedAt: null,
  };
  const publisher = await TestEventPublisher.connect(testKafka(), 'customers');
  try {
    await publisher.publish(createEvent('fieldforce.customers.customer.created.v1', { subject: customer.id, tenantId, data: { customer, changedFields: ['name'] } }));
  } finally {
    await publisher.disconnect();
  }
  await eventually('checkins knows the customer', async () => {
    const { rows } = await platform.db.query<{ count: number }>('SELECT count(*)::int AS count FROM checkins.customers WHERE id = $1', [customer.id]);
    return rows[0]?.count === 1;
  });
  const rep = async (): Promise<PushUser> => {
    const id = randomUUID();
    return { id, role: 'rep', token: await platform.jwks.sign({ sub: id, tid: tenantId, roles: ['rep'], org: 'emea.north' }, { expiresInSeconds: 3_600 }) };
  };
  return { tenantId, rep: await rep(), otherRep: await rep(), customer };
}

/** What checkins holds of a check-in: its rows (0 or 1) and the events it appended, oldest first. */
export async function checkInRecords(platform: CheckInsPlatform, id: string): Promise<{ rows: number; events: string[] }> {
  const { rows } = await platform.db.query<{ count: number }>('SELECT count(*)::int AS count FROM checkins.check_ins WHERE id = $1', [id]);
  const events = await platform.db.query<{ type: string }>(`SELECT payload->>'type' AS type FROM checkins.outbox WHERE message_key = $1 ORDER BY id`, [id]);
  return { rows: rows[0]?.count ?? 0, events: events.rows.map((row) => row.type) };
}
