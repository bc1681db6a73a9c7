import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { type CheckInState, uuidv7 } from '@fieldforce/contracts';
import { MutationsController } from '../src/modules/mutations/mutations.controller';
import { customerState } from './factories/customers';
import { BERLIN, offset } from './factories/track-points';
import { announceCustomers, type CheckinsTestApp, startCheckinsTestApp } from './support/checkins-test-app';

interface TestUser {
  id: string;
  token: string;
}

interface Mutation {
  entity: string;
  entityId: string;
  op: string;
  baseVersion?: number;
  base?: Record<string, unknown>;
  changes?: Record<string, unknown>;
}

const HOUR_MS = 3_600_000;

describe(`${MutationsController.name} (check-in mutations)`, () => {
  let service: CheckinsTestApp;
  let dataSource: DataSource;
  const tenantId = randomUUID();
  const shop = customerState(tenantId, { name: 'Corner Pharmacy', location: BERLIN });
  let clientSeq = 0;

  async function newRep(): Promise<TestUser> {
    const id = randomUUID();
    return { id, token: await service.jwks.sign({ sub: id, tid: tenantId, roles: ['rep'], org: 'emea.north' }) };
  }

  /** A device's own idempotency keys, `<clientId>:<mutationId>`, as sync forms them. */
  function keys(): () => string {
    const clientId = `phone-${(clientSeq += 1)}-${randomUUID().slice(0, 8)}`;
    let mutationId = 0;
    return () => `${clientId}:${(mutationId += 1)}`;
  }

  const point = (capturedAt: Date, at = offset(BERLIN, 12, 5)) => ({
    lat: at.lat,
    lng: at.lng,
    accuracyM: 8,
    capturedAt: capturedAt.toISOString(),
    provider: 'fused',
    isMock: false,
  });

  /** A create as the app queues it offline: the REST check-in body without its id. */
  const createOf = (capturedAt = new Date(Date.now() - 3 * HOUR_MS), changes: Record<string, unknown> = {}): Mutation => ({
    entity: 'check-in',
    entityId: uuidv7(),
    op: 'create',
    baseVersion: 0,
    base: {},
    changes: { customerId: shop.id, deviceId: 'phone-1', point: point(capturedAt), ...changes },
  });

  const checkOutOf = (id: string, capturedAt = new Date(Date.now() - 2 * HOUR_MS), at = offset(BERLIN, 8, 2)): Mutation => ({
    entity: 'check-in',
    entityId: id,
    op: 'update',
    baseVersion: 1,
    base: {},
    changes: { checkOut: { point: point(capturedAt, at) } },
  });

  const send = (user: TestUser, mutation: Mutation, key: string | undefined) =>
    service.app.inject({
      method: 'POST',
      url: '/internal/v1/mutations',
      headers: { authorization: `Bearer ${user.token}`, ...(key === undefined ? {} : { 'idempotency-key': key }) },
      payload: mutation,
    });

  async function applied(user: TestUser, mutation: Mutation, key: string): Promise<{ status: string; version: number; data: CheckInState }> {
    const response = await send(user, mutation, key);
    expect(response.statusCode).toBe(200);
    return response.json();
  }

  async function stored(id: string): Promise<{ rows: number; events: string[] }> {
    const [row] = await dataSource.query<{ count: string }[]>('SELECT count(*) FROM checkins.check_ins WHERE id = $1', [id]);
    const events = await dataSource.query<{ type: string }[]>(`SELECT payload->>'type' AS type FROM checkins.outbox WHERE message_key = $1 ORDER BY id`, [id]);
    return { rows: Number(row!.count), events: events.map((event) => event.type) };
  }

  const fields = (response: { json(): unknown }) => (response.json() as { errors: { field: string }[] }).errors.map((error) => error.field);

  beforeAll(async () => {
    service = await startCheckinsTestApp();
    dataSource = service.app.get(DataSource);
    await announceCustomers(service, [shop]);
  });

  afterAll(async () => {
    await service?.close();
  });

  describe('create', () => {
    it('records a pushed check-in as offline through the REST path and answers it applied with version 1', async () => {
      const rep = await newRep();
      const mutation = createOf(new Date(Date.now() - 3 * HOUR_MS));

      const result = await applied(rep, mutation, keys()());

      expect(result).toMatchObject({ status: 'applied', version: 1 });
      expect(result.data).toMatchObject({
        id: mutation.entityId,
        tenantId,
        userId: rep.id,
        customerId: shop.id,
        offline: true,
        status: 'verified',
        trustScore: 90,
        reasons: ['DELAYED_UPLOAD'],
        checkOut: null,
        version: 1,
      });
      const rest = await service.app.inject({ method: 'GET', url: `/api/v1/check-ins/${mutation.entityId}`, headers: { authorization: `Bearer ${rep.token}` } });
      expect(rest.json()).toEqual(result.data);
      expect(await stored(mutation.entityId)).toEqual({ rows: 1, events: ['fieldforce.checkins.check-in.recorded.v1'] });
    });

    it('answers a replay of the same key with the same result, also after the check-in changed, recording nothing', async () => {
      const rep = await newRep();
      const key = keys();
      const create = createOf();
      const createKey = key();
      const first = await send(rep, create, createKey);
      await applied(rep, checkOutOf(create.entityId), key());

      const replays = await Promise.all([1, 2].map(() => send(rep, create, createKey)));

      for (const replay of replays) {
        expect(replay.statusCode).toBe(200);
        expect(replay.json()).toEqual(first.json());
      }
      expect(first.json()).toMatchObject({ version: 1, data: { checkOut: null } });
      expect(await stored(create.entityId)).toEqual({
        rows: 1,
        events: ['fieldforce.checkins.check-in.recorded.v1', 'fieldforce.checkins.check-in.checked-out.v1'],
      });
    });

    it('refuses another payload under a used key with 422', async () => {
      const rep = await newRep();
      const key = keys()();
      const create = createOf();
      await applied(rep, create, key);
      const other = createOf();

      const reused = await send(rep, other, key);

      expect(reused.statusCode).toBe(422);
      expect(reused.json()).toMatchObject({ status: 422, code: 'IDEMPOTENCY_KEY_REUSED' });
      expect((await stored(other.entityId)).rows).toBe(0);
    });

    it('answers a create of an existing id with the same content with that check-in, and another content with 422', async () => {
      const rep = await newRep();
      const key = keys();
      const create = createOf();
      const first = await applied(rep, create, key());

      const again = await applied(rep, create, key());
      const moved = { ...create, changes: { ...create.changes, point: point(new Date(Date.now() - HOUR_MS), offset(BERLIN, 40, 0)) } };
      const clash = await send(rep, moved, key());
      const otherUser = await send(await newRep(), create, keys()());

      expect(again).toEqual(first);
      for (const refused of [clash, otherUser]) {
        expect(refused.statusCode).toBe(422);
        expect(refused.headers['content-type']).toContain('application/problem+json');
        expect(refused.json()).toMatchObject({ status: 422, code: 'CHECK_IN_ID_REUSED', details: { id: create.entityId } });
      }
      expect(await stored(create.entityId)).toEqual({ rows: 1, events: ['fieldforce.checkins.check-in.recorded.v1'] });
    });
  });

  describe('update (check-out)', () => {
    it('records the check-out through the REST path: applied, version 2, duration from the two captures', async () => {
      const rep = await newRep();
      const key = keys();
      // Both captures from one clock reading: read again after the create's round trip, the hour
      // would be half a second longer on a slow machine and round up.
      const now = Date.now();
      const create = createOf(new Date(now - 3 * HOUR_MS));
      await applied(rep, create, key());
      const checkOut = checkOutOf(create.entityId, new Date(now - 2 * HOUR_MS));
      const checkOutKey = key();

      const result = await applied(rep, checkOut, checkOutKey);

      expect(result).toMatchObject({ status: 'applied', version: 2 });
      expect(result.data).toMatchObject({ status: 'verified', trustScore: 90, reasons: ['DELAYED_UPLOAD'], version: 2 });
      expect(result.data.durationS).toBe(3_600);
      expect(result.data.checkOut).toMatchObject({ point: (checkOut.changes!.checkOut as { point: unknown }).point, reasons: ['DELAYED_UPLOAD'] });
      expect(await applied(rep, checkOut, checkOutKey)).toEqual(result);
      expect((await stored(create.entityId)).events).toEqual(['fieldforce.checkins.check-in.recorded.v1', 'fieldforce.checkins.check-in.checked-out.v1']);
    });

    it('refuses a second, different check-out with a 409 problem and keeps the first', async () => {
      const rep = await newRep();
      const key = keys();
      const create = createOf();
      await applied(rep, create, key());
      const first = await applied(rep, checkOutOf(create.entityId), key());

      const second = await send(rep, checkOutOf(create.entityId, new Date(Date.now() - HOUR_MS), offset(BERLIN, 20, 0)), key());

      expect(second.statusCode).toBe(409);
      expect(second.json()).toMatchObject({ status: 409, code: 'CHECK_IN_ALREADY_CHECKED_OUT' });
      const rest = await service.app.inject({ method: 'GET', url: `/api/v1/check-ins/${create.entityId}`, headers: { authorization: `Bearer ${rep.token}` } });
      expect(rest.json()).toEqual(first.data);
    });

    it("answers a check-out of another user's check-in, or of an unknown one, 404", async () => {
      const rep = await newRep();
      const create = createOf();
      await applied(rep, create, keys()());

      const stranger = await send(await newRep(), checkOutOf(create.entityId), keys()());
      const unknown = await send(rep, checkOutOf(randomUUID()), keys()());

      for (const refused of [stranger, unknown]) {
        expect(refused.statusCode).toBe(404);
        expect(refused.json()).toMatchObject({ status: 404, code: 'CHECK_IN_NOT_FOUND' });
      }
      expect((await stored(create.entityId)).events).toEqual(['fieldforce.checkins.check-in.recorded.v1']);
    });
  });

  describe('refusals', () => {
    it('refuses a delete with 422 CHECK_IN_NOT_DELETABLE and keeps the check-in', async () => {
      const rep = await newRep();
      const create = createOf();
      await applied(rep, create, keys()());

      const removal = await send(rep, { entity: 'check-in', entityId: create.entityId, op: 'delete', baseVersion: 1, base: {}, changes: {} }, keys()());

      expect(removal.statusCode).toBe(422);
      expect(removal.json()).toMatchObject({ status: 422, code: 'CHECK_IN_NOT_DELETABLE', details: { id: create.entityId } });
      expect(removal.json().detail).toContain('never deleted');
      expect(await stored(create.entityId)).toEqual({ rows: 1, events: ['fieldforce.checkins.check-in.recorded.v1'] });
    });

    it('answers bad input 400 naming changes.<field>, and records nothing', async () => {
      const rep = await newRep();
      const create = createOf();
      const badPoint = { ...create, changes: { ...create.changes, point: { ...(create.changes!.point as object), lat: 95, capturedAt: 'yesterday' } } };
      const unknownField = { ...create, changes: { ...create.changes, colour: 'red' } };
      const notOffline = { ...create, changes: { ...create.changes, offline: false } };
      const otherId = { ...create, changes: { ...create.changes, id: randomUUID() } };
      const missing = { ...create, changes: { point: create.changes!.point } };
      const badCheckOut = { ...checkOutOf(create.entityId), changes: { name: 'x', checkOut: { point: { lat: 52 } } } };
      const notOfflineCheckOut = checkOutOf(create.entityId);
      (notOfflineCheckOut.changes!.checkOut as Record<string, unknown>).offline = false;

      const answers = await Promise.all(
        [badPoint, unknownField, notOffline, otherId, missing, badCheckOut, notOfflineCheckOut].map((mutation) => send(rep, mutation, keys()())),
      );

      for (const answer of answers) {
        expect(answer.statusCode).toBe(400);
        expect(answer.json()).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
      }
      const [point400, unknown400, offline400, id400, missing400, checkOut400, checkOutOffline400] = answers.map(fields);
      expect(point400).toEqual(expect.arrayContaining(['changes.point.lat', 'changes.point.capturedAt']));
      expect(unknown400).toEqual(['changes.colour']);
      expect(offline400).toEqual(['changes.offline']);
      expect(id400).toEqual(['changes.id']);
      expect(missing400).toEqual(expect.arrayContaining(['changes.customerId', 'changes.deviceId']));
      expect(checkOut400).toEqual(expect.arrayContaining(['changes.name', 'changes.checkOut.point.lng', 'changes.checkOut.point.capturedAt']));
      expect(checkOutOffline400).toEqual(['changes.checkOut.offline']);
      expect((await stored(create.entityId)).rows).toBe(0);
    });

    it('answers a malformed envelope 400 naming its field', async () => {
      const rep = await newRep();
      const create = createOf();

      const wrongEntity = await send(rep, { ...create, entity: 'customer' }, keys()());
      const wrongOp = await send(rep, { ...create, op: 'upsert' }, keys()());
      const badId = await send(rep, { ...create, entityId: 'not-a-uuid' }, keys()());

      expect([wrongEntity, wrongOp, badId].map((answer) => answer.statusCode)).toEqual([400, 400, 400]);
      expect([wrongEntity, wrongOp, badId].map(fields)).toEqual([['entity'], ['op'], ['entityId']]);
      expect((await stored(create.entityId)).rows).toBe(0);
    });

    it('requires an Idempotency-Key: 400 without one, recording nothing', async () => {
      const rep = await newRep();
      const create = createOf();

      const answer = await send(rep, create, undefined);

      expect(answer.statusCode).toBe(400);
      expect(answer.json()).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ field: 'Idempotency-Key' }] });
      expect((await stored(create.entityId)).rows).toBe(0);
    });

    it('is left out of the public API document', async () => {
      const document = await service.app.inject({ method: 'GET', url: '/openapi.json' });
      expect(document.statusCode).toBe(200);
      expect(Object.keys(document.json().paths)).not.toContain('/internal/v1/mutations');
    });
  });
});
