import { randomUUID } from 'node:crypto';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { type Producer } from 'kafkajs';
import { DataSource } from 'typeorm';
import { createEvent, type RolePolicy, Topics } from '@fieldforce/contracts';
import { KafkaClientFactory, type KafkaSettings, MessagingModule, nestMessagingLogger } from '@fieldforce/messaging';
import { SnakeNamingStrategy } from '@fieldforce/persistence';
import { testAdminUrl, testKafka, TestJwks } from '@fieldforce/testing';
import { BUILT_IN_ROLE_POLICIES, RolePolicyEntity, RolePolicyStore } from '../src';
import { type AuthTestSchema, authTestConfig, createAuthTestSchema, startAuthTestApp } from './support/auth-test-app';

type RoleEventType = 'fieldforce.permissions.role.created.v1' | 'fieldforce.permissions.role.updated.v1';

/** Polls `probe` until it holds; fails naming `what` after `timeoutMs`. */
async function eventually(what: string, probe: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe(RolePolicyStore.name, () => {
  const tenantA = randomUUID();
  const tenantB = randomUUID();
  const repRoleId = randomUUID();
  let jwks: TestJwks;
  let schema: AuthTestSchema;
  let app: NestFastifyApplication;
  let kafka: KafkaClientFactory;
  let producer: Producer;
  let replicaDataSource: DataSource;
  let replica: RolePolicyStore;

  beforeAll(async () => {
    jwks = await TestJwks.start();
    schema = await createAuthTestSchema('policies', { messaging: true });
    const { brokers, topicPrefix } = testKafka();
    const settings: KafkaSettings = { brokers, clientId: 'customers', topicPrefix: `${topicPrefix}${schema.name}.` };
    app = await startAuthTestApp({
      schema: schema.name,
      config: authTestConfig(jwks),
      rolePolicyEvents: true,
      imports: [MessagingModule.forService({ service: 'customers', schema: schema.name, kafka: settings })],
    });
    kafka = new KafkaClientFactory({ ...settings, clientId: 'permissions' }, nestMessagingLogger('test'));
    producer = kafka.createProducer();
    await producer.connect();
    // Another replica of the same service: it consumes nothing and learns of changes by NOTIFY only.
    replicaDataSource = await new DataSource({
      type: 'postgres',
      url: testAdminUrl(),
      schema: schema.name,
      namingStrategy: new SnakeNamingStrategy(),
      entities: [RolePolicyEntity],
      poolSize: 2,
    }).initialize();
    replica = new RolePolicyStore({ dataSource: replicaDataSource });
    await replica.start();
  });

  afterAll(async () => {
    await replica?.stop();
    await replicaDataSource?.destroy();
    await producer?.disconnect();
    await app?.close();
    await schema?.drop();
    await jwks?.stop();
  });

  const repPolicy = (tenantId: string, version: number, unreadable: string[]): RolePolicy => ({
    ...structuredClone(BUILT_IN_ROLE_POLICIES.rep),
    fieldRules: { customer: { unreadable, unwritable: ['grade'] } },
    id: repRoleId,
    tenantId,
    version,
    builtIn: true,
    updatedAt: new Date().toISOString(),
  });

  /** Publishes a role event as the permissions service does; resolves to its event id. */
  async function publish(type: RoleEventType, role: RolePolicy): Promise<string> {
    const event = createEvent(type, { subject: role.id, tenantId: role.tenantId, data: { role, changedFields: ['fieldRules'] } });
    await producer.send({
      topic: kafka.topic(Topics.permissions.role),
      acks: -1,
      messages: [{ key: role.id, value: JSON.stringify(event) }],
    });
    return event.id;
  }

  async function customerAs(tenantId: string, roles: string[] = ['rep']): Promise<Record<string, unknown>> {
    const token = await jwks.sign({ tid: tenantId, roles });
    const response = await app.inject({ method: 'GET', url: '/things/customer', headers: { authorization: `Bearer ${token}` } });
    expect(response.statusCode).toBe(200);
    return response.json();
  }

  const processed = async (eventId: string): Promise<boolean> => {
    const rows = await schema.admin.query(`SELECT 1 FROM ${schema.name}.inbox WHERE event_id = $1`, [eventId]);
    return rows.length > 0;
  };

  it('enforces the built-in defaults for a tenant no role event has reached', async () => {
    expect(await customerAs(tenantA)).not.toHaveProperty('creditLimit');
    const replicaPolicy = await replica.policyFor({ tenantId: tenantA, roles: ['rep'] });
    expect(replicaPolicy.effectiveRules().customer?.unreadable).toEqual(['creditLimit']);
  });

  it('applies a role update from the broker without a restart, in every replica', async () => {
    await publish('fieldforce.permissions.role.updated.v1', repPolicy(tenantA, 2, []));

    await eventually('the rep of tenant A reads creditLimit', async () => 'creditLimit' in (await customerAs(tenantA)));
    await eventually('the other replica dropped its cached policy', async () => {
      const policy = await replica.policyFor({ tenantId: tenantA, roles: ['rep'] });
      return policy.effectiveRules().customer?.unreadable.length === 0;
    });
    const [row] = await schema.admin.query(`SELECT version FROM ${schema.name}.role_policies WHERE tenant_id = $1 AND name = 'rep'`, [tenantA]);
    expect(row).toEqual({ version: 2 });
  });

  it('keeps the newer policy when an older event arrives after it', async () => {
    const stale = await publish('fieldforce.permissions.role.updated.v1', repPolicy(tenantA, 1, ['creditLimit', 'name']));

    await eventually('the stale event was consumed', () => processed(stale));
    const [row] = await schema.admin.query(
      `SELECT version, field_rules FROM ${schema.name}.role_policies WHERE tenant_id = $1 AND name = 'rep'`,
      [tenantA],
    );
    expect(row).toEqual({ version: 2, field_rules: { customer: { unreadable: [], unwritable: ['grade'] } } });
    expect(await customerAs(tenantA)).toMatchObject({ name: 'Corner Pharmacy', creditLimit: 25000 });
  });

  it('leaves other tenants on their own policies', async () => {
    expect(await customerAs(tenantB)).not.toHaveProperty('creditLimit');
  });

  it('grants a tenant-defined role once its created event arrives', async () => {
    const token = await jwks.sign({ tid: tenantA, roles: ['auditor'] });
    const remove = () => app.inject({ method: 'DELETE', url: '/things/c-1', headers: { authorization: `Bearer ${token}` } });
    expect((await remove()).statusCode).toBe(403);

    await publish('fieldforce.permissions.role.created.v1', {
      id: randomUUID(),
      tenantId: tenantA,
      name: 'auditor',
      rank: 5,
      scope: 'all',
      requiresTotp: false,
      actions: ['customer:read', 'customer:delete'],
      fieldRules: {},
      version: 1,
      builtIn: false,
      updatedAt: new Date().toISOString(),
    });

    await eventually('the auditor may delete', async () => (await remove()).statusCode === 200);
  });
});
