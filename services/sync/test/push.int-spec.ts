import { randomUUID } from 'node:crypto';
import { serviceRole } from '@fieldforce/persistence';
import {
  type MutationResult,
  type PushPlatform,
  type PushUser,
  type PushedMutation,
  createCustomer,
  customerEvents,
  push,
  readCustomer,
  seedTenant,
  startPushPlatform,
  storedResults,
} from './support/push-platform';

/** A device's queue under one client id: hands out the next mutation id, as the app does. */
class Queue {
  readonly clientId = randomUUID();
  private next = 1;

  constructor(readonly user: PushUser) {}

  add(mutation: Omit<PushedMutation, 'mutationId' | 'entity'> & { entity?: string }): PushedMutation {
    const queued = { entity: 'customer', ...mutation, mutationId: this.next };
    this.next += 1;
    return queued;
  }

  update(customer: Record<string, unknown> & { id: string; version: number }, changes: Record<string, unknown>): PushedMutation {
    return this.add({ entityId: customer.id, op: 'update', baseVersion: customer.version, base: customer, changes });
  }
}

const createOf = (queue: Queue, fields: Record<string, unknown> = {}): PushedMutation =>
  queue.add({
    entityId: randomUUID(),
    op: 'create',
    baseVersion: 0,
    base: {},
    changes: { name: 'Apotheke am Ring', address: 'Ring 1', tags: ['pharmacy'], ...fields },
  });

const statuses = (results: MutationResult[]) => results.map((result) => result.status);

describe('POST /api/v1/sync/push', () => {
  let platform: PushPlatform;
  let rep: PushUser;
  let otherRep: PushUser;
  let supervisor: PushUser;
  let manager: PushUser;

  beforeAll(async () => {
    platform = await startPushPlatform();
    const tenant = await seedTenant(platform, 2);
    [rep, otherRep] = tenant.reps as [PushUser, PushUser];
    supervisor = tenant.supervisor;
    manager = tenant.manager;
  }, 180_000);

  afterAll(async () => {
    await platform?.stop();
  });

  afterEach(async () => {
    platform.proxy.mode = 'forward';
    platform.proxy.afterOwnerAnswered = undefined;
    await platform.proxy.up();
    await platform.ensureSync();
  }, 60_000);

  describe('order and exactly-once', () => {
    it('applies a queue in order and answers the same results when the same push comes again', async () => {
      const queue = new Queue(rep);
      const create = createOf(queue);
      const rename = queue.add({ entityId: create.entityId, op: 'update', baseVersion: 1, base: create.changes, changes: { name: 'Apotheke am Markt' } });
      const body = { clientId: queue.clientId, mutations: [create, rename] };

      const first = await push(platform.sync, rep, body);
      expect(first.status).toBe(200);
      expect(first.body.results).toMatchObject([
        { mutationId: 1, status: 'applied', version: 1 },
        { mutationId: 2, status: 'applied', version: 2 },
      ]);

      const again = await push(platform.sync, rep, body);
      expect(again.status).toBe(200);
      expect(again.body.results).toEqual(first.body.results);
      expect(await customerEvents(platform, create.entityId)).toHaveLength(2);
      expect((await readCustomer(platform, rep, create.entityId)).body).toMatchObject({ name: 'Apotheke am Markt', version: 2 });
      // The replay never reached the owner again.
      expect(platform.proxy.answeredCount(`${queue.clientId}:2`)).toBe(1);
      // The status tells the app where its next push starts.
      const status = await fetch(`${platform.sync.url}/api/v1/sync/status?clientId=${queue.clientId}`, { headers: { authorization: `Bearer ${rep.token}` } });
      expect(await status.json()).toMatchObject({ clientId: queue.clientId, lastMutationId: 2 });
    });

    it('applies each mutation once when the same push arrives twice at the same time', async () => {
      const queue = new Queue(rep);
      const create = createOf(queue);
      const updates = [1, 2, 3, 4].map((round) =>
        queue.add({ entityId: create.entityId, op: 'update', baseVersion: round, base: {}, changes: { address: `Ring ${round + 1}` } }),
      );
      const body = { clientId: queue.clientId, mutations: [create, ...updates] };

      const [one, two] = await Promise.all([push(platform.sync, rep, body), push(platform.sync, rep, body)]);

      expect(one.status).toBe(200);
      expect(two.status).toBe(200);
      expect(one.body.results).toEqual(two.body.results);
      expect(statuses(one.body.results)).toEqual(['applied', 'applied', 'applied', 'applied', 'applied']);
      expect(one.body.results.map((result) => result.version)).toEqual([1, 2, 3, 4, 5]);
      expect((await customerEvents(platform, create.entityId)).map((event) => event.version)).toEqual([1, 2, 3, 4, 5]);
      for (const mutation of body.mutations) expect(platform.proxy.answeredCount(`${queue.clientId}:${mutation.mutationId}`)).toBe(1);
    });

    it('answers a reused mutation id with another payload as a 422 result and keeps the first result', async () => {
      const queue = new Queue(rep);
      const create = createOf(queue, { name: 'Erste Apotheke' });
      const first = await push(platform.sync, rep, { clientId: queue.clientId, mutations: [create] });
      expect(first.body.results).toMatchObject([{ mutationId: 1, status: 'applied' }]);

      const other = { ...create, changes: { ...create.changes, name: 'Zweite Apotheke' } };
      const reused = await push(platform.sync, rep, { clientId: queue.clientId, mutations: [other] });

      expect(reused.status).toBe(200);
      expect(reused.body.results).toEqual([
        {
          mutationId: 1,
          status: 'rejected',
          problem: expect.objectContaining({ status: 422, code: 'SYNC_MUTATION_ID_REUSED' }) as unknown,
        },
      ]);
      expect((await readCustomer(platform, rep, create.entityId)).body).toMatchObject({ name: 'Erste Apotheke', version: 1 });
      expect(await storedResults(platform, queue.clientId)).toEqual(first.body.results);
      // The original payload still gets its own result.
      expect((await push(platform.sync, rep, { clientId: queue.clientId, mutations: [create] })).body.results).toEqual(first.body.results);
    });

    it('answers a gap with 409 naming the expected id, and applies nothing of that push', async () => {
      const queue = new Queue(rep);
      const create = createOf(queue);
      await push(platform.sync, rep, { clientId: queue.clientId, mutations: [create] });
      queue.add({ entityId: create.entityId, op: 'update', baseVersion: 1, base: {}, changes: { name: 'never sent' } });
      const third = createOf(queue);
      const fourth = queue.add({ entityId: create.entityId, op: 'update', baseVersion: 1, base: {}, changes: { address: 'Gap 4' } });

      const gap = await push(platform.sync, rep, { clientId: queue.clientId, mutations: [third, fourth] });

      expect(gap.status).toBe(409);
      expect(gap.contentType).toContain('application/problem+json');
      expect(gap.body).toMatchObject({ code: 'SYNC_MUTATION_GAP', details: { expectedMutationId: 2, receivedMutationId: 3 } });
      expect((await readCustomer(platform, rep, third.entityId)).status).toBe(404);
      expect((await readCustomer(platform, rep, create.entityId)).body).toMatchObject({ version: 1, address: 'Ring 1' });
      expect(await storedResults(platform, queue.clientId)).toHaveLength(1);
    });

    it('refuses a push whose ids are not consecutive, or a malformed one, with 400 and changes nothing', async () => {
      const queue = new Queue(rep);
      const one = createOf(queue);
      queue.add({ entityId: randomUUID(), op: 'create', baseVersion: 0, base: {}, changes: {} });
      const three = createOf(queue);

      const holes = await push(platform.sync, rep, { clientId: queue.clientId, mutations: [one, three] });
      expect(holes.status).toBe(400);
      expect(holes.body).toMatchObject({ code: 'SYNC_MUTATIONS_NOT_CONSECUTIVE', errors: [{ field: 'mutations.1.mutationId', message: 'must be 2' }] });

      const malformed: unknown[] = [
        { clientId: queue.clientId, mutations: [] },
        { clientId: queue.clientId, mutations: [{ ...one, op: 'upsert' }] },
        { clientId: queue.clientId, mutations: [{ ...one, mutationId: 0 }] },
        { clientId: queue.clientId, mutations: [{ ...one, mutationId: 1.5 }] },
        { clientId: queue.clientId, mutations: [{ ...one, baseVersion: -1 }] },
        { clientId: queue.clientId, mutations: [{ ...one, changes: 'name=x' }] },
        { clientId: queue.clientId, mutations: [{ ...one, extra: true }] },
        { clientId: 'has spaces', mutations: [one] },
        { mutations: [one] },
        { clientId: queue.clientId, mutations: 'all' },
      ];
      for (const body of malformed) {
        const answer = await push(platform.sync, rep, body as never);
        expect({ body, status: answer.status, type: answer.contentType }).toEqual({ body, status: 400, type: expect.stringContaining('application/problem+json') as unknown });
      }
      expect((await readCustomer(platform, rep, one.entityId)).status).toBe(404);
      expect(await storedResults(platform, queue.clientId)).toEqual([]);
    });

    it('refuses a client id first used by another user', async () => {
      const queue = new Queue(rep);
      await push(platform.sync, rep, { clientId: queue.clientId, mutations: [createOf(queue)] });
      const theirs = await push(platform.sync, otherRep, { clientId: queue.clientId, mutations: [createOf(new Queue(otherRep))] });
      expect(theirs.status).toBe(403);
      expect(theirs.body).toMatchObject({ code: 'SYNC_CLIENT_OF_ANOTHER_USER' });
    });

    it('refuses a push without a valid token before anything happens', async () => {
      const response = await fetch(`${platform.sync.url}/api/v1/sync/push`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ clientId: randomUUID(), mutations: [createOf(new Queue(rep))] }),
      });
      expect(response.status).toBe(401);
    });
  });

  describe('rejections never block', () => {
    it('records an invalid mutation as rejected with its owner\'s problem and applies the valid ones after it', async () => {
      const queue = new Queue(rep);
      const invalid = createOf(queue, { name: '' });
      const forbidden = createOf(queue, { creditLimit: 1_000_000 });
      const valid = createOf(queue);
      // Entities no service owns (names are exact): sync rejects them itself, without an owner call.
      const unsupported = queue.add({ entity: 'expense-claim', entityId: randomUUID(), op: 'create', baseVersion: 0, base: {}, changes: { amount: 12 } });
      const alsoUnsupported = queue.add({ entity: 'Customer', entityId: randomUUID(), op: 'create', baseVersion: 0, base: {}, changes: {} });
      const alsoValid = queue.add({ entityId: valid.entityId, op: 'update', baseVersion: 1, base: valid.changes, changes: { tags: ['pharmacy', 'night'] } });

      const answer = await push(platform.sync, rep, { clientId: queue.clientId, mutations: [invalid, forbidden, valid, unsupported, alsoUnsupported, alsoValid] });

      expect(answer.status).toBe(200);
      expect(statuses(answer.body.results)).toEqual(['rejected', 'rejected', 'applied', 'rejected', 'rejected', 'applied']);
      const [first, second, , third, fourth] = answer.body.results as [MutationResult, MutationResult, MutationResult, MutationResult, MutationResult];
      expect(first.problem).toMatchObject({ status: 400, errors: [expect.objectContaining({ field: 'changes.name' })] });
      expect(second.problem).toMatchObject({ status: 403 });
      expect(third.problem).toMatchObject({ status: 422, code: 'SYNC_ENTITY_NOT_SUPPORTED', details: { entity: 'expense-claim', supported: expect.arrayContaining(['customer', 'check-in']) } });
      expect(fourth.problem).toMatchObject({ code: 'SYNC_ENTITY_NOT_SUPPORTED' });
      expect((await readCustomer(platform, rep, invalid.entityId)).status).toBe(404);
      expect((await readCustomer(platform, supervisor, forbidden.entityId)).status).toBe(404);
      expect((await readCustomer(platform, rep, valid.entityId)).body).toMatchObject({ tags: ['pharmacy', 'night'], version: 2 });
      // Rejections are final: the replay answers them again without asking the owner.
      expect((await push(platform.sync, rep, { clientId: queue.clientId, mutations: [invalid] })).body.results).toEqual([first]);
      expect(platform.proxy.answeredCount(`${queue.clientId}:1`)).toBe(1);
    });
  });

  describe('owner unavailable', () => {
    it.each([
      ['refuses connections', async (p: PushPlatform) => p.proxy.down()],
      ['answers 503', async (p: PushPlatform) => void (p.proxy.mode = 'fail-503')],
    ])('stops at the mutation whose owner %s, applies nothing after it, and applies all in order once it is back', async (_label, takeDown) => {
      const queue = new Queue(rep);
      const create = createOf(queue);
      await push(platform.sync, rep, { clientId: queue.clientId, mutations: [create] });
      const rename = queue.add({ entityId: create.entityId, op: 'update', baseVersion: 1, base: {}, changes: { name: 'Offline 2' } });
      const readdress = queue.add({ entityId: create.entityId, op: 'update', baseVersion: 1, base: {}, changes: { address: 'Offline 3' } });
      const another = createOf(queue);
      const body = { clientId: queue.clientId, mutations: [create, rename, readdress, another] };

      await takeDown(platform);
      const down = await push(platform.sync, rep, body);

      expect(down.status).toBe(200);
      expect(statuses(down.body.results)).toEqual(['applied', 'retry', 'pending', 'pending']);
      expect(down.body.results[1]?.problem).toMatchObject({ status: 503, code: 'SYNC_OWNER_UNAVAILABLE', details: { service: 'customers', retryable: true } });
      expect(down.body.results[2]?.problem).toMatchObject({ code: 'SYNC_MUTATION_NOT_ATTEMPTED', details: { waitingMutationId: 2 } });
      expect(await storedResults(platform, queue.clientId)).toHaveLength(1);

      platform.proxy.mode = 'forward';
      await platform.proxy.up();
      expect((await readCustomer(platform, rep, create.entityId)).body).toMatchObject({ version: 1, name: 'Apotheke am Ring' });
      expect((await readCustomer(platform, rep, another.entityId)).status).toBe(404);

      const back = await push(platform.sync, rep, body);
      expect(statuses(back.body.results)).toEqual(['applied', 'applied', 'applied', 'applied']);
      expect(back.body.results.slice(1, 3).map((result) => result.version)).toEqual([2, 3]);
      expect((await readCustomer(platform, rep, create.entityId)).body).toMatchObject({ version: 3, name: 'Offline 2', address: 'Offline 3' });
    });

    it('counts an owner that does not answer in time as unavailable', async () => {
      const queue = new Queue(rep);
      const create = createOf(queue);
      platform.proxy.mode = 'hang';
      const started = Date.now();
      const answer = await push(platform.sync, rep, { clientId: queue.clientId, mutations: [create, createOf(queue)] });
      expect(Date.now() - started).toBeGreaterThanOrEqual(2_900);
      expect(statuses(answer.body.results)).toEqual(['retry', 'pending']);
      expect(answer.body.results[0]?.problem?.detail).toContain('no answer within 3000 ms');
    });
  });

  describe('a connection cut after the owner committed', () => {
    it('answers the owner\'s stored result when sync crashed before recording it, and the customer changed once', async () => {
      const queue = new Queue(rep);
      const create = createOf(queue);
      await push(platform.sync, rep, { clientId: queue.clientId, mutations: [create] });
      const rename = queue.add({ entityId: create.entityId, op: 'update', baseVersion: 1, base: create.changes, changes: { name: 'Nach dem Absturz' } });
      const body = { clientId: queue.clientId, mutations: [create, rename] };
      platform.proxy.afterOwnerAnswered = async () => {
        platform.proxy.afterOwnerAnswered = undefined;
        await platform.sync.kill();
        throw new Error('sync is gone');
      };

      await expect(push(platform.sync, rep, body)).rejects.toThrow();
      expect(platform.proxy.answeredCount(`${queue.clientId}:2`)).toBe(1);
      expect((await readCustomer(platform, rep, create.entityId)).body).toMatchObject({ version: 2, name: 'Nach dem Absturz' });
      await platform.crashAndRestartSync();
      expect(await storedResults(platform, queue.clientId)).toHaveLength(1);

      const retried = await push(platform.sync, rep, body);

      expect(retried.status).toBe(200);
      expect(retried.body.results[1]).toMatchObject({ mutationId: 2, status: 'applied', version: 2 });
      const [firstAnswer, secondAnswer] = platform.proxy.answers.filter((answer) => answer.idempotencyKey === `${queue.clientId}:2`);
      expect(JSON.parse(secondAnswer!.body)).toEqual(JSON.parse(firstAnswer!.body));
      expect((await customerEvents(platform, create.entityId)).map((event) => event.version)).toEqual([1, 2]);
      expect((await push(platform.sync, rep, body)).body.results).toEqual(retried.body.results);
    }, 120_000);

    it("answers 503 when sync's database connection is cut while the owner applies, and the retry gets the owner's result", async () => {
      const queue = new Queue(rep);
      const create = createOf(queue);
      const body = { clientId: queue.clientId, mutations: [create] };
      let terminated = 0;
      platform.proxy.afterOwnerAnswered = async () => {
        platform.proxy.afterOwnerAnswered = undefined;
        // What a database restart does to push's transaction, left idle under the client's lock while the owner answers.
        const { rows } = await platform.db.query(
          `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
            WHERE datname = current_database() AND usename = $1 AND state = 'idle in transaction'`,
          [serviceRole('sync')],
        );
        terminated = rows.length;
      };

      const cut = await push(platform.sync, rep, body);

      expect(terminated).toBe(1);
      expect(cut.status).toBe(503);
      expect(cut.body).toMatchObject({ status: 503, code: 'DATABASE_UNAVAILABLE' });
      expect(await storedResults(platform, queue.clientId)).toHaveLength(0);
      const retried = await push(platform.sync, rep, body);
      expect(retried.body.results).toMatchObject([{ mutationId: 1, status: 'applied', version: 1 }]);
      expect(await customerEvents(platform, create.entityId)).toHaveLength(1);
    });

    it('keeps processing when the device drops its connection, so the retry gets the stored result', async () => {
      const queue = new Queue(rep);
      const create = createOf(queue);
      const body = { clientId: queue.clientId, mutations: [create] };
      const abort = new AbortController();
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      platform.proxy.afterOwnerAnswered = async () => {
        abort.abort();
        await released;
      };
      await expect(push(platform.sync, rep, body, {}, abort.signal)).rejects.toThrow();

      const retry = push(platform.sync, rep, body);
      release();
      const answer = await retry;

      expect(answer.body.results).toMatchObject([{ mutationId: 1, status: 'applied', version: 1 }]);
      expect(platform.proxy.answeredCount(`${queue.clientId}:1`)).toBe(1);
      expect(await customerEvents(platform, create.entityId)).toHaveLength(1);
    });
  });

  describe('conflicts', () => {
    async function sharedCustomer(fields: Record<string, unknown> = {}) {
      return createCustomer(platform, supervisor, { ownerId: rep.id, ...fields });
    }

    it('lets the supervisor\'s edit of a field win over the rep\'s when the rep arrives first', async () => {
      const customer = await sharedCustomer();
      const repQueue = new Queue(rep);
      const supervisorQueue = new Queue(supervisor);

      const repAnswer = await push(platform.sync, rep, { clientId: repQueue.clientId, mutations: [repQueue.update(customer, { name: 'Rep name' })] });
      const supervisorAnswer = await push(platform.sync, supervisor, {
        clientId: supervisorQueue.clientId,
        mutations: [supervisorQueue.update(customer, { name: 'Supervisor name' })],
      });

      expect(repAnswer.body.results).toMatchObject([{ status: 'applied', version: 2 }]);
      expect(supervisorAnswer.body.results).toMatchObject([
        {
          status: 'merged',
          version: 3,
          conflicts: [{ field: 'name', base: 'Corner Pharmacy Nord', server: 'Rep name', client: 'Supervisor name', winner: 'client', rule: 'rank' }],
        },
      ]);
      expect((await readCustomer(platform, rep, customer.id)).body).toMatchObject({ name: 'Supervisor name' });
    });

    it('keeps the supervisor\'s edit when the rep arrives second, and tells the rep in the push result', async () => {
      const customer = await sharedCustomer();
      const repQueue = new Queue(rep);
      const supervisorQueue = new Queue(supervisor);

      await push(platform.sync, supervisor, { clientId: supervisorQueue.clientId, mutations: [supervisorQueue.update(customer, { name: 'Supervisor name' })] });
      const repAnswer = await push(platform.sync, rep, { clientId: repQueue.clientId, mutations: [repQueue.update(customer, { name: 'Rep name' })] });

      const [result] = repAnswer.body.results;
      expect(result?.status === 'merged' || result?.status === 'rejected').toBe(true);
      expect(result?.conflicts).toEqual([
        expect.objectContaining({ field: 'name', base: 'Corner Pharmacy Nord', server: 'Supervisor name', client: 'Rep name', winner: 'server', rule: 'rank' }),
      ]);
      expect((await readCustomer(platform, rep, customer.id)).body).toMatchObject({ name: 'Supervisor name' });
    });

    it('keeps both sides\' edits of different fields', async () => {
      const customer = await sharedCustomer();
      const repQueue = new Queue(rep);
      const supervisorQueue = new Queue(supervisor);

      await push(platform.sync, supervisor, { clientId: supervisorQueue.clientId, mutations: [supervisorQueue.update(customer, { name: 'Supervisor name' })] });
      const repAnswer = await push(platform.sync, rep, { clientId: repQueue.clientId, mutations: [repQueue.update(customer, { address: 'Rep address' })] });

      expect(repAnswer.body.results).toMatchObject([{ status: 'applied', version: 3 }]);
      expect(repAnswer.body.results[0]?.conflicts).toBeUndefined();
      expect((await readCustomer(platform, rep, customer.id)).body).toMatchObject({ name: 'Supervisor name', address: 'Rep address', version: 3 });
    });

    it('lets a regional manager\'s delete made offline win over a rep\'s edit that arrived first, and records it', async () => {
      const customer = await sharedCustomer();
      const repQueue = new Queue(rep);
      const managerQueue = new Queue(manager);

      await push(platform.sync, rep, { clientId: repQueue.clientId, mutations: [repQueue.update(customer, { name: 'Edited by the rep' })] });
      const deleted = await push(platform.sync, manager, {
        clientId: managerQueue.clientId,
        mutations: [managerQueue.add({ entityId: customer.id, op: 'delete', baseVersion: customer.version, base: customer, changes: {} })],
      });

      expect(['applied', 'merged']).toContain(deleted.body.results[0]?.status);
      expect(deleted.body.results[0]?.conflicts).toEqual([
        expect.objectContaining({ field: '$deleted', base: false, server: false, client: true, winner: 'client', rule: 'rank', serverRank: 10, clientRank: 30 }),
      ]);
      expect((await readCustomer(platform, manager, customer.id)).status).toBe(404);
    });

    it('keeps a regional manager\'s delete against a rep\'s edit made offline before it, and tells the rep', async () => {
      const customer = await sharedCustomer();
      const repQueue = new Queue(rep);
      const managerQueue = new Queue(manager);

      const deleted = await push(platform.sync, manager, {
        clientId: managerQueue.clientId,
        mutations: [managerQueue.add({ entityId: customer.id, op: 'delete', baseVersion: customer.version, base: customer, changes: {} })],
      });
      const repAnswer = await push(platform.sync, rep, { clientId: repQueue.clientId, mutations: [repQueue.update(customer, { name: 'Edited offline' })] });

      expect(deleted.body.results[0]).toMatchObject({ status: 'applied' });
      expect(repAnswer.body.results[0]).toMatchObject({
        status: 'rejected',
        problem: { code: 'SYNC_CONFLICT_LOST' },
        conflicts: [expect.objectContaining({ field: '$deleted', winner: 'server', rule: 'rank', serverRank: 30, clientRank: 10 })],
      });
      expect((await readCustomer(platform, manager, customer.id)).status).toBe(404);
    });

    it('treats a create of an existing id as an update from version 0', async () => {
      const queue = new Queue(rep);
      const create = createOf(queue, { name: 'Twice created' });
      await push(platform.sync, rep, { clientId: queue.clientId, mutations: [create] });
      const otherDevice = new Queue(rep);
      const again = otherDevice.add({ entityId: create.entityId, op: 'create', baseVersion: 0, base: {}, changes: { ...create.changes, address: 'Other device' } });

      const answer = await push(platform.sync, rep, { clientId: otherDevice.clientId, mutations: [again] });

      expect(['applied', 'merged']).toContain(answer.body.results[0]?.status);
      expect((await readCustomer(platform, rep, create.entityId)).body).toMatchObject({ name: 'Twice created', address: 'Other device', version: 2 });
    });

    it.each([
      ['a year ahead', 'a year behind', 365],
      ['a year behind', 'a year ahead', -365],
    ])('decides a tie by arrival, never by device clocks: first %s, then %s', async (_first, _second, days) => {
      const customer = await sharedCustomer();
      const firstDevice = new Queue(rep);
      const secondDevice = new Queue(rep);
      const firstClock = new Date(Date.now() + days * 86_400_000);
      const secondClock = new Date(Date.now() - days * 86_400_000);
      const edit = (queue: Queue, clock: Date, name: string) =>
        queue.add({
          entityId: customer.id,
          op: 'update',
          baseVersion: customer.version,
          base: { ...customer, updatedAt: clock.toISOString() },
          changes: { name },
        });
      const firstEdit = edit(firstDevice, firstClock, 'First arrival');
      const secondEdit = edit(secondDevice, secondClock, 'Second arrival');

      const first = await push(platform.sync, rep, { clientId: firstDevice.clientId, mutations: [firstEdit] }, { date: firstClock.toUTCString() });
      const second = await push(platform.sync, rep, { clientId: secondDevice.clientId, mutations: [secondEdit] }, { date: secondClock.toUTCString() });

      expect(first.body.results[0]).toMatchObject({ status: 'applied', version: 2 });
      expect(second.body.results[0]).toMatchObject({
        status: 'merged',
        version: 3,
        conflicts: [expect.objectContaining({ field: 'name', server: 'First arrival', client: 'Second arrival', winner: 'client', rule: 'arrival-order' })],
      });
      const stored = (await readCustomer(platform, rep, customer.id)).body;
      expect(stored).toMatchObject({ name: 'Second arrival', version: 3 });
      // The device's timestamps are data it sent, never the record's own time.
      expect(Math.abs(Date.parse(String(stored.updatedAt)) - Date.now())).toBeLessThan(60_000);
    });
  });
});
