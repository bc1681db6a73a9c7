import { randomUUID } from 'node:crypto';
import { TestEventPublisher } from '@fieldforce/testing';
import { FeedService } from '../src/modules/feed/feed.service';
import { checkInState, customerState, reminderState, visitTaskState, visitTemplateState } from './factories/states';
import { Device, pull } from './support/device';
import { checkInRecorded, customerAssigned, customerEvent, deliver, reminderFired, taskPlanned, templateCreated } from './support/events';
import { startSyncTestApp, type SyncTestApp } from './support/sync-test-app';

describe(`${FeedService.name} (GET /api/v1/sync/pull)`, () => {
  let service: SyncTestApp;
  let publisher: TestEventPublisher;

  beforeAll(async () => {
    service = await startSyncTestApp();
    publisher = await TestEventPublisher.connect(service.kafka);
  });

  afterAll(async () => {
    await publisher?.disconnect();
    await service?.close();
  });

  /** A tenant with a north and a south team: a rep in each, the north supervisor, an admin. */
  async function tenant() {
    const tenantId = randomUUID();
    const ids = { repNorth: randomUUID(), repSouth: randomUUID(), supervisor: randomUUID(), admin: randomUUID() };
    const sign = (sub: string, roles: string[], org: string) => service.jwks.sign({ tid: tenantId, sub, roles, org });
    return {
      tenantId,
      ids,
      sign,
      tokens: {
        repNorth: await sign(ids.repNorth, ['rep'], 'emea.north'),
        repSouth: await sign(ids.repSouth, ['rep'], 'emea.south'),
        supervisor: await sign(ids.supervisor, ['supervisor'], 'emea.north'),
        admin: await sign(ids.admin, ['admin'], 'emea'),
      },
    };
  }

  it('delivers an initial sync over several pages, each record once, and resumes an interrupted one from its last page', async () => {
    const t = await tenant();
    const mine = Array.from({ length: 23 }, (_, i) => customerState(t.tenantId, { name: `Mine ${i}`, ownerId: t.ids.repNorth, orgPath: 'emea.north' }));
    const others = Array.from({ length: 7 }, () => customerState(t.tenantId, { ownerId: t.ids.repSouth, orgPath: 'emea.south' }));
    await deliver(service.app, publisher, ...[...mine, ...others].map((customer) => customerEvent('created', customer)));

    const device = new Device(service.app, t.tokens.repNorth);
    // `?cursor=` (empty) is an initial sync too.
    const fromEmpty = await service.app.inject({
      method: 'GET',
      url: '/api/v1/sync/pull?cursor=&limit=5',
      headers: { authorization: `Bearer ${t.tokens.repNorth}` },
    });
    expect(fromEmpty.statusCode).toBe(200);
    const first = await device.pullPage(5);
    expect(fromEmpty.json().changes).toEqual(first.changes);
    expect(first.changes).toHaveLength(5);
    expect(first.hasMore).toBe(true);
    await device.pullPage(5);
    // The connection drops after the third page was sent: the app repeats it with the same cursor.
    const interruptedAt = device.cursor;
    const third = await device.pullPage(5);
    const repeated = await pull(service.app, t.tokens.repNorth, { cursor: interruptedAt, limit: 5 });
    expect(repeated.body.changes).toEqual(third.changes);
    await device.sync(5);

    expect(device.pages).toBeGreaterThanOrEqual(5);
    expect(device.received.map((change) => change.id).sort()).toEqual(mine.map((customer) => customer.id).sort());
    expect(device.received.every((change) => change.op === 'upsert' && change.entity === 'customer' && change.version === 1)).toBe(true);

    // Nothing new: an empty page, no more, and the same position again.
    const idle = await pull(service.app, t.tokens.repNorth, { cursor: device.cursor });
    expect(idle.status).toBe(200);
    expect(idle.body).toEqual({ changes: [], cursor: expect.any(String), hasMore: false });
    expect((await pull(service.app, t.tokens.repNorth, { cursor: idle.body.cursor })).body.changes).toEqual([]);
  });

  it('delivers every change after the cursor exactly once: edits, new records and deletes', async () => {
    const t = await tenant();
    const customers = Array.from({ length: 8 }, () => customerState(t.tenantId, { ownerId: t.ids.repNorth, orgPath: 'emea.north' }));
    await deliver(service.app, publisher, ...customers.map((customer) => customerEvent('created', customer)));
    const device = new Device(service.app, t.tokens.repNorth);
    await device.sync(3);

    const [edited, twiceEdited, removed] = customers as [(typeof customers)[0], (typeof customers)[0], (typeof customers)[0]];
    const added = customerState(t.tenantId, { ownerId: t.ids.repNorth, orgPath: 'emea.north' });
    await deliver(
      service.app,
      publisher,
      customerEvent('updated', { ...edited, name: 'Renamed', version: 2 }),
      customerEvent('updated', { ...twiceEdited, name: 'Once', version: 2 }),
      customerEvent('graded', { ...twiceEdited, name: 'Once', grade: 'B', version: 3 }),
      customerEvent('deleted', { ...removed, version: 2, deletedAt: '2024-07-16T09:00:00.000Z' }),
      customerEvent('created', added),
    );
    const changes = await device.sync(2);

    expect(changes.map((change) => `${change.id}:${change.op}:${change.version}`).sort()).toEqual(
      [`${edited.id}:upsert:2`, `${twiceEdited.id}:upsert:3`, `${removed.id}:delete:2`, `${added.id}:upsert:1`].sort(),
    );
    expect(changes.find((change) => change.id === removed.id)?.data).toBeNull();
    expect(device.ids()).toEqual([...customers.slice(0, 2), ...customers.slice(3), added].map((customer) => customer.id).sort());
    expect(await device.sync()).toEqual([]);
  });

  it('ignores stale and duplicate events: the device never sees a version go back or arrive twice', async () => {
    const t = await tenant();
    const customer = customerState(t.tenantId, { ownerId: t.ids.repNorth, orgPath: 'emea.north' });
    const v3 = customerEvent('updated', { ...customer, name: 'Third', version: 3 });
    await deliver(service.app, publisher, v3, customerEvent('created', customer), customerEvent('updated', { ...customer, name: 'Second', version: 2 }));
    const device = new Device(service.app, t.tokens.repNorth);
    const initial = await device.sync();
    expect(initial.map((change) => [change.version, change.data?.['name']])).toEqual([[3, 'Third']]);

    // The same event again, and the same state under another event id (a producer's replay).
    await publisher.publish(v3);
    await deliver(service.app, publisher, customerEvent('updated', { ...customer, name: 'Third', version: 3 }));
    expect(await device.sync()).toEqual([]);
  });

  it('tells the previous owner to delete a reassigned customer and the new owner to add it; the team supervisor keeps it', async () => {
    const t = await tenant();
    const moving = customerState(t.tenantId, { ownerId: t.ids.repNorth, orgPath: 'emea.north' });
    const staying = customerState(t.tenantId, { ownerId: t.ids.repNorth, orgPath: 'emea.north' });
    await deliver(service.app, publisher, customerEvent('created', moving), customerEvent('created', staying));
    const north = new Device(service.app, t.tokens.repNorth);
    const south = new Device(service.app, t.tokens.repSouth);
    const supervisor = new Device(service.app, t.tokens.supervisor);
    for (const device of [north, south, supervisor]) await device.sync();
    expect(north.ids()).toEqual([moving.id, staying.id].sort());
    expect(south.ids()).toEqual([]);

    // Reassigned within the north team first, then to the south rep.
    const otherNorthRep = randomUUID();
    await deliver(service.app, publisher, customerAssigned({ ...moving, ownerId: otherNorthRep, version: 2 }, t.ids.repNorth));
    expect(await north.sync()).toEqual([expect.objectContaining({ id: moving.id, op: 'delete', version: 2, data: null })]);
    expect(await supervisor.sync()).toEqual([expect.objectContaining({ id: moving.id, op: 'upsert', version: 2 })]);
    await deliver(service.app, publisher, customerAssigned({ ...moving, ownerId: t.ids.repSouth, orgPath: 'emea.south', version: 3 }, otherNorthRep));

    expect(await north.sync()).toEqual([]);
    expect(await south.sync()).toEqual([expect.objectContaining({ id: moving.id, op: 'upsert', version: 3 })]);
    expect(await supervisor.sync()).toEqual([expect.objectContaining({ id: moving.id, op: 'delete', version: 3 })]);
    expect(north.ids()).toEqual([staying.id]);
    expect(south.ids()).toEqual([moving.id]);

    // And back: the north rep gets it again, the south rep is told to delete it.
    await deliver(service.app, publisher, customerAssigned({ ...moving, ownerId: t.ids.repNorth, orgPath: 'emea.north', version: 4 }, t.ids.repSouth));
    expect(await north.sync()).toEqual([expect.objectContaining({ id: moving.id, op: 'upsert', version: 4 })]);
    expect(await south.sync()).toEqual([expect.objectContaining({ id: moving.id, op: 'delete', version: 4 })]);
  });

  it('moves a user to another org unit with the difference of what they saw and now see, then goes on incrementally', async () => {
    const t = await tenant();
    const northShop = customerState(t.tenantId, { ownerId: randomUUID(), orgPath: 'emea.north' });
    const ownShop = customerState(t.tenantId, { ownerId: t.ids.supervisor, orgPath: 'emea.north' });
    const southShops = Array.from({ length: 4 }, () => customerState(t.tenantId, { ownerId: randomUUID(), orgPath: 'emea.south.city' }));
    await deliver(service.app, publisher, ...[northShop, ownShop, ...southShops].map((customer) => customerEvent('created', customer)));
    const device = new Device(service.app, t.tokens.supervisor);
    await device.sync();
    expect(device.ids()).toEqual([northShop.id, ownShop.id].sort());

    // The supervisor moves to the south team; meanwhile a south shop changes and a north one goes.
    await deliver(
      service.app,
      publisher,
      customerEvent('updated', { ...southShops[0]!, name: 'Changed before the move', version: 2 }),
      customerEvent('deleted', { ...northShop, version: 2, deletedAt: '2024-07-16T09:00:00.000Z' }),
    );
    device.token = await t.sign(t.ids.supervisor, ['supervisor'], 'emea.south');
    const moved = await device.sync(2);

    expect(moved.filter((change) => change.op === 'delete').map((change) => change.id)).toEqual([northShop.id]);
    expect(moved.filter((change) => change.op === 'upsert').map((change) => change.id).sort()).toEqual(southShops.map((shop) => shop.id).sort());
    expect(device.ids()).toEqual([ownShop.id, ...southShops.map((shop) => shop.id)].sort());
    expect(device.version(southShops[0]!.id)).toBe(2);

    // Incremental again under the new unit.
    const late = customerState(t.tenantId, { ownerId: randomUUID(), orgPath: 'emea.south' });
    await deliver(service.app, publisher, customerEvent('created', late), customerEvent('created', customerState(t.tenantId, { orgPath: 'emea.north' })));
    expect((await device.sync()).map((change) => change.id)).toEqual([late.id]);
  });

  it('masks the fields the reader may not read, and carries check-ins, templates, tasks and reminders to whom they belong', async () => {
    const t = await tenant();
    const customer = customerState(t.tenantId, { ownerId: t.ids.repNorth, orgPath: 'emea.north', creditLimit: 50_000 });
    const myCheckIn = checkInState(t.tenantId, { userId: t.ids.repNorth, orgPath: 'emea.north', customerId: customer.id });
    const othersCheckIn = checkInState(t.tenantId, { userId: t.ids.repSouth, orgPath: 'emea.south' });
    const template = visitTemplateState(t.tenantId);
    const myTask = visitTaskState(t.tenantId, { assigneeId: t.ids.repNorth, orgPath: 'emea.north', customerId: customer.id, templateId: template.id });
    const southTask = visitTaskState(t.tenantId, { assigneeId: t.ids.repSouth, orgPath: 'emea.south' });
    const myReminder = reminderState(t.tenantId, { recipientId: t.ids.repNorth, orgPath: 'emea.north', taskId: myTask.id });
    const southReminder = reminderState(t.tenantId, { recipientId: t.ids.repSouth, orgPath: 'emea.south', taskId: southTask.id });
    await deliver(
      service.app,
      publisher,
      customerEvent('created', customer),
      checkInRecorded(myCheckIn),
      checkInRecorded(othersCheckIn),
      templateCreated(template),
      taskPlanned(myTask),
      taskPlanned(southTask),
      reminderFired(myReminder),
      reminderFired(southReminder),
    );

    const rep = new Device(service.app, t.tokens.repNorth);
    await rep.sync();
    const repCustomer = rep.records.get(`customer:${customer.id}`)!.data!;
    expect(repCustomer).not.toHaveProperty('creditLimit');
    expect(repCustomer).toMatchObject({ id: customer.id, name: customer.name, ownerId: t.ids.repNorth });
    expect(rep.ids('check-in')).toEqual([myCheckIn.id]);
    expect(rep.ids('visit-template')).toEqual([template.id]);
    expect(rep.ids('visit-task')).toEqual([myTask.id]);
    expect(rep.ids('reminder')).toEqual([myReminder.id]);

    const admin = new Device(service.app, t.tokens.admin);
    await admin.sync();
    expect(admin.records.get(`customer:${customer.id}`)!.data).toEqual(customer);
    expect(admin.ids('visit-task')).toEqual([myTask.id, southTask.id].sort());
    // Check-ins and reminders are the user's own, whatever their scope.
    expect(admin.ids('check-in')).toEqual([]);
    expect(admin.ids('reminder')).toEqual([]);
  });

  it('answers 410 with reset for a cursor from before purged tombstones, and a fresh sync works', async () => {
    const t = await tenant();
    const customer = customerState(t.tenantId, { ownerId: t.ids.repNorth, orgPath: 'emea.north' });
    const kept = customerState(t.tenantId, { ownerId: t.ids.repNorth, orgPath: 'emea.north' });
    await deliver(service.app, publisher, customerEvent('created', customer), customerEvent('created', kept));
    const device = new Device(service.app, t.tokens.repNorth);
    await device.sync();
    const before = device.cursor;
    await deliver(service.app, publisher, customerEvent('deleted', { ...customer, version: 2, deletedAt: '2024-07-16T09:00:00.000Z' }));
    const afterDelete = (await pull(service.app, t.tokens.repNorth, { cursor: before })).body.cursor;

    // Retention passed: the job removes the tombstone.
    expect(await service.app.get(FeedService).purgeTombstones(new Date(Date.now() + 60_000))).toBeGreaterThanOrEqual(1);

    const expired = await pull(service.app, t.tokens.repNorth, { cursor: before });
    expect(expired.status).toBe(410);
    expect(expired.contentType).toMatch(/^application\/problem\+json/);
    expect(expired.body).toMatchObject({ status: 410, code: 'SYNC_RESET_REQUIRED', details: { reset: true } });
    // A cursor that already saw the delete goes on; a reload starts over without it.
    expect((await pull(service.app, t.tokens.repNorth, { cursor: afterDelete })).status).toBe(200);
    const reloaded = new Device(service.app, t.tokens.repNorth);
    await reloaded.sync();
    expect(reloaded.ids()).toEqual([kept.id]);
  });

  it('refuses a tampered, foreign or malformed cursor and a bad limit with 400 problem+json', async () => {
    const t = await tenant();
    await deliver(service.app, publisher, customerEvent('created', customerState(t.tenantId, { ownerId: t.ids.repNorth })));
    const device = new Device(service.app, t.tokens.repNorth);
    await device.sync();
    const [payload, signature] = device.cursor!.split('.') as [string, string];
    const body = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const widened = Buffer.from(JSON.stringify({ ...body, w: { ...body.w, s: 'all' } })).toString('base64url');

    for (const cursor of [`${widened}.${signature}`, `${payload}.${signature.slice(1)}`, 'not-a-cursor', `${payload}.`]) {
      const response = await pull(service.app, t.tokens.repNorth, { cursor });
      expect(response.status).toBe(400);
      expect(response.contentType).toMatch(/^application\/problem\+json/);
      expect(response.body).toMatchObject({ code: 'SYNC_CURSOR_INVALID' });
    }
    // Another user of the same tenant cannot continue this device's feed.
    expect((await pull(service.app, t.tokens.repSouth, { cursor: device.cursor })).status).toBe(400);
    for (const limit of ['0', '201', 'ten', '-1']) {
      const response = await service.app.inject({
        method: 'GET',
        url: `/api/v1/sync/pull?limit=${limit}`,
        headers: { authorization: `Bearer ${t.tokens.repNorth}` },
      });
      expect(response.statusCode).toBe(400);
    }
    expect((await service.app.inject({ method: 'GET', url: '/api/v1/sync/pull' })).statusCode).toBe(401);
  });

  it('keeps tenants apart: nothing of another tenant, and its cursors are refused', async () => {
    const a = await tenant();
    const b = await tenant();
    await deliver(service.app, publisher, customerEvent('created', customerState(a.tenantId, { ownerId: a.ids.admin })));
    await deliver(service.app, publisher, customerEvent('created', customerState(b.tenantId, { ownerId: b.ids.admin })));
    const adminA = new Device(service.app, a.tokens.admin);
    const adminB = new Device(service.app, b.tokens.admin);
    await adminA.sync();
    await adminB.sync();
    expect(adminA.received.every((change) => change.data?.['tenantId'] === a.tenantId)).toBe(true);
    expect(adminB.received.every((change) => change.data?.['tenantId'] === b.tenantId)).toBe(true);
    expect(adminA.received).toHaveLength(1);
    expect(adminB.received).toHaveLength(1);
    // A token of tenant B with the user id of A's admin still cannot use A's cursor.
    const impostor = await b.sign(a.ids.admin, ['admin'], 'emea');
    expect((await pull(service.app, impostor, { cursor: adminA.cursor })).status).toBe(400);
  });

  it('reports the last cursor issued to a client in the status, beside its last mutation and open uploads', async () => {
    const t = await tenant();
    await deliver(service.app, publisher, customerEvent('created', customerState(t.tenantId, { ownerId: t.ids.repNorth })));
    const status = async (clientId: string) =>
      (
        await service.app.inject({
          method: 'GET',
          url: `/api/v1/sync/status?clientId=${clientId}`,
          headers: { authorization: `Bearer ${t.tokens.repNorth}` },
        })
      ).json();
    expect(await status('phone-a')).toEqual({ clientId: 'phone-a', lastMutationId: 0, cursor: null, uploads: [] });
    const page = await pull(service.app, t.tokens.repNorth, { clientId: 'phone-a' });
    expect(await status('phone-a')).toEqual({ clientId: 'phone-a', lastMutationId: 0, cursor: page.body.cursor, uploads: [] });
    expect((await status('phone-b')).cursor).toBeNull();
    const bad = await service.app.inject({
      method: 'GET',
      url: '/api/v1/sync/status?clientId=has%20space',
      headers: { authorization: `Bearer ${t.tokens.repNorth}` },
    });
    expect(bad.statusCode).toBe(400);
  });
});
