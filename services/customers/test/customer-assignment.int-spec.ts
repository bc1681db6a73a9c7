import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AssignmentService } from '../src/modules/assignment/assignment.service';
import { insertCustomers } from './factories/customer.factory';
import { userState } from './factories/user.factory';
import { type CustomersTestApp, startCustomersTestApp } from './support/customers-test-app';
import { outboxEventsOf } from './support/outbox';
import { seedUsers } from './support/users';

describe(`${AssignmentService.name} manual assignment`, () => {
  let service: CustomersTestApp;
  let dataSource: DataSource;
  const tenantId = randomUUID();
  const repNorth = userState({ tenantId, orgPath: 'emea.north' });
  const otherRepNorth = userState({ tenantId, orgPath: 'emea.north' });
  const repSouth = userState({ tenantId, orgPath: 'emea.south' });
  const supervisorNorth = userState({ tenantId, orgPath: 'emea.north', roles: ['supervisor'] });
  const tokens: Record<'admin' | 'supervisorNorth' | 'supervisorSouth' | 'repNorth', string> = {
    admin: '',
    supervisorNorth: '',
    supervisorSouth: '',
    repNorth: '',
  };

  beforeAll(async () => {
    service = await startCustomersTestApp();
    dataSource = service.app.get(DataSource);
    await seedUsers(service.app, [repNorth, otherRepNorth, repSouth, supervisorNorth]);
    tokens.admin = await service.jwks.sign({ tid: tenantId, roles: ['admin'], org: 'hq' });
    tokens.supervisorNorth = await service.jwks.sign({ sub: supervisorNorth.id, tid: tenantId, roles: ['supervisor'], org: 'emea.north' });
    tokens.supervisorSouth = await service.jwks.sign({ tid: tenantId, roles: ['supervisor'], org: 'emea.south' });
    tokens.repNorth = await service.jwks.sign({ sub: repNorth.id, tid: tenantId, roles: ['rep'], org: 'emea.north' });
  });

  afterAll(async () => {
    await service?.close();
  });

  const ofRep = (rep: typeof repNorth, count: number) =>
    insertCustomers(
      dataSource,
      Array.from({ length: count }, () => ({ tenantId, ownerId: rep.id, orgPath: rep.orgPath })),
    );

  const assign = (token: string, payload: object, headers: Record<string, string> = {}) =>
    service.app.inject({ method: 'POST', url: '/api/v1/customers/assign', headers: { authorization: `Bearer ${token}`, ...headers }, payload });

  const read = (token: string, id: string) =>
    service.app.inject({ method: 'GET', url: `/api/v1/customers/${id}`, headers: { authorization: `Bearer ${token}` } });

  it("moves a team's customers between its reps and publishes assigned with both owners", async () => {
    const ids = await ofRep(repNorth, 3);
    const response = await assign(tokens.supervisorNorth, { customerIds: ids, ownerId: otherRepNorth.id });

    expect(response.statusCode).toBe(200);
    expect(response.json().items).toEqual(ids.map((id) => ({ id, outcome: 'assigned', previousOwnerId: repNorth.id, version: 2 })));
    const [event] = await outboxEventsOf(dataSource, ids[0]!);
    expect(event).toMatchObject({
      type: 'fieldforce.customers.customer.assigned.v1',
      data: {
        previousOwnerId: repNorth.id,
        newOwnerId: otherRepNorth.id,
        changedFields: ['ownerId'],
        customer: { ownerId: otherRepNorth.id, orgPath: 'emea.north', version: 2 },
      },
    });
  });

  it("gives the customer the new owner's org path, so it changes team", async () => {
    const [id] = await ofRep(repNorth, 1);
    const response = await assign(tokens.admin, { customerIds: [id], ownerId: repSouth.id });

    expect(response.statusCode).toBe(200);
    expect((await outboxEventsOf(dataSource, id!))[0]!.data.changedFields).toEqual(['ownerId', 'orgPath']);
    expect((await read(tokens.supervisorSouth, id!)).json()).toMatchObject({ ownerId: repSouth.id, orgPath: 'emea.south' });
    expect((await read(tokens.supervisorNorth, id!)).statusCode).toBe(404);
  });

  it('reports customers that had the owner already as unchanged, without an event', async () => {
    const [mine, theirs] = [...(await ofRep(otherRepNorth, 1)), ...(await ofRep(repNorth, 1))];
    const response = await assign(tokens.supervisorNorth, { customerIds: [mine, theirs], ownerId: otherRepNorth.id });

    expect(response.json().items.map((item: { outcome: string }) => item.outcome)).toEqual(['unchanged', 'assigned']);
    expect(await outboxEventsOf(dataSource, mine!)).toEqual([]);
  });

  it('moves nothing when one customer is out of scope (404 naming it) or the owner is (422)', async () => {
    const north = await ofRep(repNorth, 2);
    const [south] = await ofRep(repSouth, 1);

    const outOfScope = await assign(tokens.supervisorNorth, { customerIds: [...north, south], ownerId: otherRepNorth.id });
    const ownerElsewhere = await assign(tokens.supervisorNorth, { customerIds: north, ownerId: repSouth.id });

    expect(outOfScope.statusCode).toBe(404);
    expect(outOfScope.json()).toMatchObject({ code: 'CUSTOMER_NOT_FOUND', details: { ids: [south] } });
    expect(ownerElsewhere.statusCode).toBe(422);
    expect(ownerElsewhere.json()).toMatchObject({ code: 'CUSTOMER_OWNER_UNKNOWN' });
    for (const id of north) expect(await outboxEventsOf(dataSource, id)).toEqual([]);
  });

  it('refuses a rep, who may not assign', async () => {
    const ids = await ofRep(repNorth, 1);
    expect((await assign(tokens.repNorth, { customerIds: ids, ownerId: repNorth.id })).statusCode).toBe(403);
  });

  it('answers a replay with its Idempotency-Key with the first result, moving nothing again', async () => {
    const ids = await ofRep(repNorth, 2);
    const key = { 'idempotency-key': randomUUID() };
    const first = await assign(tokens.admin, { customerIds: ids, ownerId: repSouth.id }, key);
    const replay = await assign(tokens.admin, { customerIds: ids, ownerId: repSouth.id }, key);

    expect(replay.json()).toEqual(first.json());
    expect(await outboxEventsOf(dataSource, ids[0]!)).toHaveLength(1);
  });
});
