import { randomUUID } from 'node:crypto';
import { type Producer } from 'kafkajs';
import { Kafka, logLevel } from 'kafkajs';
import { BUILT_IN_ROLE_POLICIES } from '@fieldforce/auth';
import { createEvent, type RolePolicy, Topics, uuidv7 } from '@fieldforce/contracts';
import { type TestTokenClaims } from '@fieldforce/testing';
import { CustomersController } from '../src/modules/customers/customers.controller';
import { userState } from './factories/user.factory';
import { type CustomersTestApp, startCustomersTestApp } from './support/customers-test-app';
import { seedUsers } from './support/users';

/** Polls `probe` until it holds; fails naming `what` after `timeoutMs`. */
async function eventually(what: string, probe: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A user of a tenant: claims plus their token. */
interface TestUser {
  id: string;
  token: string;
}

describe(`${CustomersController.name} access control`, () => {
  let service: CustomersTestApp;
  const tenantId = randomUUID();

  // Tenant layout: region emea with teams emea.north and emea.south; the admin sits at hq.
  const userClaims = {
    repNorth: { roles: ['rep'], org: 'emea.north' },
    otherRepNorth: { roles: ['rep'], org: 'emea.north' },
    repSouth: { roles: ['rep'], org: 'emea.south' },
    supervisorNorth: { roles: ['supervisor'], org: 'emea.north' },
    supervisorSouth: { roles: ['supervisor'], org: 'emea.south' },
    regionalManager: { roles: ['regional_manager'], org: 'emea' },
    admin: { roles: ['admin'], org: 'hq' },
    adminNorth: { roles: ['admin'], org: 'emea.north' },
  } satisfies Record<string, TestTokenClaims>;
  // Filled in beforeAll, one entry per user above.
  const users = {} as Record<keyof typeof userClaims, TestUser>;
  const customers: Record<string, string> = {};

  const post = (user: TestUser, payload: object) =>
    service.app.inject({ method: 'POST', url: '/api/v1/customers', headers: { authorization: `Bearer ${user.token}` }, payload });
  const get = (token: string, id: string) =>
    service.app.inject({ method: 'GET', url: `/api/v1/customers/${id}`, headers: { authorization: `Bearer ${token}` } });

  async function create(creator: TestUser, fields: object = {}): Promise<string> {
    const id = uuidv7();
    const response = await post(creator, { id, name: `Customer ${id.slice(-6)}`, ...fields });
    expect(response.statusCode).toBe(201);
    return id;
  }

  async function visibleTo(user: TestUser): Promise<string[]> {
    const visible: string[] = [];
    for (const [name, id] of Object.entries(customers)) {
      const response = await get(user.token, id);
      expect([200, 404]).toContain(response.statusCode);
      if (response.statusCode === 200) visible.push(name);
    }
    return visible.sort();
  }

  beforeAll(async () => {
    service = await startCustomersTestApp();
    for (const [name, claims] of Object.entries(userClaims)) {
      const id = randomUUID();
      users[name as keyof typeof userClaims] = { id, token: await service.jwks.sign({ ...claims, sub: id, tid: tenantId }) };
      await seedUsers(service.app, [userState({ id, tenantId, orgPath: claims.org, roles: claims.roles })]);
    }
    customers.ofRepNorth = await create(users.adminNorth, { ownerId: users.repNorth.id, grade: 'A', creditLimit: 25000 });
    customers.ofOtherRepNorth = await create(users.supervisorNorth, { ownerId: users.otherRepNorth.id, grade: 'B' });
    customers.ofRepSouth = await create(users.supervisorSouth, { ownerId: users.repSouth.id });
    customers.atHq = await create(users.admin);
  });

  afterAll(async () => {
    await service?.close();
  });

  it('shows a rep only the customers they own', async () => {
    expect(await visibleTo(users.repNorth)).toEqual(['ofRepNorth']);
  });

  it("shows a supervisor the customers of their team and no other team's", async () => {
    expect(await visibleTo(users.supervisorNorth)).toEqual(['ofOtherRepNorth', 'ofRepNorth']);
  });

  it("shows a regional manager the customers of the region's teams, not those outside it", async () => {
    expect(await visibleTo(users.regionalManager)).toEqual(['ofOtherRepNorth', 'ofRepNorth', 'ofRepSouth']);
  });

  it("shows an admin the whole tenant's customers", async () => {
    expect(await visibleTo(users.admin)).toEqual(['atHq', 'ofOtherRepNorth', 'ofRepNorth', 'ofRepSouth']);
  });

  it("never shows another tenant's customers, even to its admin guessing the ids", async () => {
    const outsider = await service.jwks.sign({ roles: ['admin'], tid: randomUUID() });
    const guessed = await get(outsider, customers.ofRepNorth!);
    const unknown = await get(outsider, uuidv7());

    expect(guessed.statusCode).toBe(404);
    expect(guessed.json().code).toBe(unknown.json().code);
    // A token naming the tenant but forged with another key does not get in either.
    const forged = await service.jwks.sign({ roles: ['admin'], tid: tenantId }, { unpublishedKey: true });
    expect((await get(forged, customers.ofRepNorth!)).statusCode).toBe(401);
  });

  it('hides the credit limit from a rep but not from their supervisor', async () => {
    const asRep = (await get(users.repNorth.token, customers.ofRepNorth!)).json();
    const asSupervisor = (await get(users.supervisorNorth.token, customers.ofRepNorth!)).json();

    expect(asRep).not.toHaveProperty('creditLimit');
    expect(asRep).toMatchObject({ grade: 'A', ownerId: users.repNorth.id });
    expect(asSupervisor).toMatchObject({ creditLimit: 25000 });
  });

  it('lets a rep create a customer they own, at the default grade, without choosing the protected fields', async () => {
    const response = await post(users.repSouth, { name: 'New Kiosk' });

    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({ grade: 'D', ownerId: users.repSouth.id, orgPath: 'emea.south' });
    expect(response.json()).not.toHaveProperty('creditLimit');
    expect((await get(users.repSouth.token, response.json().id)).statusCode).toBe(200);
  });

  it('refuses a rep setting grade, credit limit or another owner, naming each field, and writes nothing', async () => {
    const id = uuidv7();
    const response = await post(users.repNorth, {
      id,
      name: 'Graded Kiosk',
      grade: 'A',
      creditLimit: 100,
      ownerId: users.otherRepNorth.id,
    });

    expect(response.statusCode).toBe(403);
    expect(response.json()).toMatchObject({ code: 'AUTH_FIELDS_NOT_WRITABLE' });
    expect(response.json().errors.map((error: { field: string }) => error.field).sort()).toEqual(['creditLimit', 'grade', 'ownerId']);
    expect((await get(users.admin.token, id)).statusCode).toBe(404);
    // Choosing exactly the defaults is not choosing: accepted.
    expect((await post(users.repNorth, { name: 'Plain Kiosk', grade: 'D', ownerId: users.repNorth.id })).statusCode).toBe(201);
  });

  it('refuses a user whose roles do not grant reading customers', async () => {
    const auditor = await service.jwks.sign({ roles: ['auditor'], tid: tenantId });
    const response = await get(auditor, customers.atHq!);

    expect(response.statusCode).toBe(403);
    expect(response.json()).toMatchObject({ code: 'AUTH_ACTION_FORBIDDEN' });
  });

  describe('when the permissions service changes a policy', () => {
    let producer: Producer;

    beforeAll(async () => {
      const kafka = new Kafka({ clientId: 'permissions', brokers: service.kafka.brokers, logLevel: logLevel.NOTHING });
      producer = kafka.producer();
      await producer.connect();
    });

    afterAll(async () => {
      await producer?.disconnect();
    });

    it('applies the new field rules without a restart', async () => {
      const role: RolePolicy = {
        ...structuredClone(BUILT_IN_ROLE_POLICIES.rep),
        fieldRules: { customer: { unreadable: [], unwritable: ['creditLimit', 'ownerId'] } },
        id: randomUUID(),
        tenantId,
        version: 2,
        builtIn: true,
        updatedAt: new Date().toISOString(),
      };
      const event = createEvent('fieldforce.permissions.role.updated.v1', {
        subject: role.id,
        tenantId,
        data: { role, changedFields: ['fieldRules'] },
      });
      await producer.send({
        topic: service.kafka.topicPrefix + Topics.permissions.role,
        acks: -1,
        messages: [{ key: role.id, value: JSON.stringify(event) }],
      });

      await eventually('the rep reads the credit limit', async () => {
        const customer = (await get(users.repNorth.token, customers.ofRepNorth!)).json();
        return customer.creditLimit === 25000;
      });
      const graded = await post(users.repNorth, { name: 'Now Graded By Rep', grade: 'B' });
      expect(graded.statusCode).toBe(201);
      expect(graded.json()).toMatchObject({ grade: 'B', creditLimit: null });
    });
  });
});
