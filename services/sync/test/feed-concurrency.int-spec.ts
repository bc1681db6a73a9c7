import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { BUILT_IN_ROLES, createEvent, type CustomerState } from '@fieldforce/contracts';
import { eventually, TestEventPublisher } from '@fieldforce/testing';
import { feedEntityKind } from '../src/modules/feed/feed-entities';
import { FeedRepository } from '../src/modules/feed/feed.repository';
import { customerState } from './factories/states';
import { Device } from './support/device';
import { customerEvent, deliver } from './support/events';
import { startSyncTestApp, type SyncTestApp } from './support/sync-test-app';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe(`${FeedRepository.name} under concurrent writers`, () => {
  let service: SyncTestApp;
  let feed: FeedRepository;
  let dataSource: DataSource;
  const customerKind = feedEntityKind('customer')!;

  beforeAll(async () => {
    // Room for many writers holding transactions open at once; tiny scan windows, so pages end
    // on window bounds as often as on the limit.
    service = await startSyncTestApp({ DATABASE_POOL_SIZE: '30', SYNC_PULL_SCAN_SEQUENCES: '7', SYNC_REBASE_SCAN_RECORDS: '4' });
    feed = service.app.get(FeedRepository);
    dataSource = service.app.get(DataSource);
  });

  afterAll(async () => {
    await service?.close();
  });

  const record = (customer: CustomerState) => customerKind.extractors['fieldforce.customers.customer.created.v1']!({ customer, changedFields: [] });

  /** Applies a customer state the way the consumer does, holding the transaction open for `holdMs` before committing. */
  async function write(customer: CustomerState, holdMs = 0): Promise<bigint | null> {
    return dataSource.transaction(async (manager) => {
      const seq = await feed.apply(manager, customerKind, record(customer));
      if (holdMs > 0) await sleep(holdMs);
      return seq;
    });
  }

  async function repDevice(tenantId: string, repId: string): Promise<Device> {
    return new Device(service.app, await service.jwks.sign({ tid: tenantId, sub: repId, roles: ['rep'], org: 'emea' }));
  }

  it('hands out sequences in commit order: a second writer of the tenant waits for the first to commit', async () => {
    const tenantId = randomUUID();
    const repId = randomUUID();
    const device = await repDevice(tenantId, repId);
    await write(customerState(tenantId, { ownerId: repId }));
    await device.sync();

    const first = customerState(tenantId, { ownerId: repId });
    const second = customerState(tenantId, { ownerId: repId });
    let releaseFirst!: () => void;
    const firstHeld = new Promise<void>((resolve) => (releaseFirst = resolve));
    let firstSeq: bigint | null = null;
    const firstCommitted = dataSource.transaction(async (manager) => {
      firstSeq = await feed.apply(manager, customerKind, record(first));
      await firstHeld;
    });
    await eventually('the first writer holds its sequence', async () => firstSeq !== null);
    let secondSeq: bigint | null = null;
    const secondCommitted = write(second).then((seq) => (secondSeq = seq));
    await sleep(300);
    expect(secondSeq).toBeNull();
    // A pull meanwhile sees neither, and its cursor does not move past the uncommitted sequence.
    expect(await device.sync()).toEqual([]);

    releaseFirst();
    await firstCommitted;
    await secondCommitted;
    expect(secondSeq! > firstSeq!).toBe(true);
    expect((await device.sync()).map((change) => change.id)).toEqual([first.id, second.id]);
  });

  it('delivers a write that commits during a paged pull, and each record state once', async () => {
    const tenantId = randomUUID();
    const repId = randomUUID();
    const customers = Array.from({ length: 12 }, () => customerState(tenantId, { ownerId: repId }));
    for (const customer of customers) await write(customer);
    const device = await repDevice(tenantId, repId);
    const firstPage = await device.pullPage(3);
    const delivered = customers.find((customer) => customer.id === firstPage.changes[0]!.id)!;
    const pending = customers[customers.length - 1]!;
    expect(firstPage.changes.map((change) => change.id)).not.toContain(pending.id);

    // Between two pages: an edit of a delivered record, of a not yet delivered one, and a new record.
    const added = customerState(tenantId, { ownerId: repId });
    await write({ ...delivered, name: 'Edited after delivery', version: 2 });
    await write({ ...pending, name: 'Edited before delivery', version: 2 });
    await write(added);
    await device.sync(3);

    const deliveries = (id: string) => device.received.filter((change) => change.id === id).map((change) => change.version);
    expect(deliveries(delivered.id)).toEqual([1, 2]);
    expect(deliveries(pending.id)).toEqual([2]);
    expect(deliveries(added.id)).toEqual([1]);
    for (const customer of customers.filter((c) => c !== delivered && c !== pending)) expect(deliveries(customer.id)).toEqual([1]);
    expect(device.ids()).toEqual([...customers, added].map((customer) => customer.id).sort());
  });

  it('never skips nor repeats a change while many writers commit out of allocation order and a device keeps pulling', async () => {
    const tenantId = randomUUID();
    const repId = randomUUID();
    const device = await repDevice(tenantId, repId);
    const writers = 6;
    const perWriter = 25;
    const written: string[] = [];
    let done = false;
    const writing = Promise.all(
      Array.from({ length: writers }, async () => {
        for (let i = 0; i < perWriter; i += 1) {
          const customer = customerState(tenantId, { ownerId: repId });
          // Held open a random while after taking the sequence: a later sequence may be ready first.
          await write(customer, Math.floor(Math.random() * 15));
          written.push(customer.id);
        }
      }),
    ).finally(() => (done = true));
    while (!done) {
      await device.pullPage(7);
      await sleep(Math.floor(Math.random() * 10));
    }
    await writing;
    await device.sync(7);

    const received = device.received.map((change) => change.id);
    expect(received).toHaveLength(writers * perWriter);
    expect(new Set(received).size).toBe(writers * perWriter);
    expect([...received].sort()).toEqual([...written].sort());
  });

  it('moves a reader to another unit while records change between rebase pages, and ends with exactly what the new unit sees', async () => {
    const tenantId = randomUUID();
    const supervisorId = randomUUID();
    const north = Array.from({ length: 6 }, () => customerState(tenantId, { ownerId: randomUUID(), orgPath: 'emea.north' }));
    const south = Array.from({ length: 6 }, () => customerState(tenantId, { ownerId: randomUUID(), orgPath: 'emea.south' }));
    for (const customer of [...north, ...south]) await write(customer);
    const sign = (org: string) => service.jwks.sign({ tid: tenantId, sub: supervisorId, roles: ['supervisor'], org });
    const device = new Device(service.app, await sign('emea.north'));
    await device.sync(5);
    expect(device.ids()).toEqual(north.map((customer) => customer.id).sort());

    device.token = await sign('emea.south');
    await device.pullPage(2);
    await write({ ...south[0]!, name: 'Renamed', version: 2 });
    await write({ ...north[0]!, orgPath: 'emea.south', version: 2 });
    await write({ ...south[1]!, orgPath: 'emea.north', version: 2 });
    await write(customerState(tenantId, { ownerId: randomUUID(), orgPath: 'emea.south' }));
    await write({ ...north[1]!, version: 2, deletedAt: '2024-07-16T09:00:00.000Z' });
    await write({ ...south[2]!, version: 2, deletedAt: '2024-07-16T09:00:00.000Z' });
    await device.pullPage(2);
    await write({ ...south[3]!, name: 'Renamed during the rebase', version: 2 });
    await device.sync(2);

    // What a device that never saw the north unit gets from scratch.
    const fresh = new Device(service.app, device.token);
    await fresh.sync(3);
    const versions = (d: Device) => Object.fromEntries([...d.records.values()].map((change) => [change.id, change.version]));
    expect(versions(device)).toEqual(versions(fresh));
    expect(device.ids()).not.toContain(north[2]!.id);
    expect(device.version(north[0]!.id)).toBe(2);
    expect(device.version(south[3]!.id)).toBe(2);
    expect(await device.sync()).toEqual([]);
  });

  it('re-sends what the reader sees with the new masking when their role’s field rules change', async () => {
    const tenantId = randomUUID();
    const repId = randomUUID();
    const customer = customerState(tenantId, { ownerId: repId, address: 'Main St 1', creditLimit: 900 });
    await write(customer);
    const device = await repDevice(tenantId, repId);
    await device.sync();
    expect(device.records.get(`customer:${customer.id}`)!.data).toMatchObject({ address: 'Main St 1' });
    expect(device.records.get(`customer:${customer.id}`)!.data).not.toHaveProperty('creditLimit');

    // The tenant hides addresses from reps and shows them credit limits.
    const rep = BUILT_IN_ROLES.rep;
    const role = {
      ...rep,
      id: randomUUID(),
      tenantId,
      name: 'rep',
      fieldRules: { customer: { unreadable: ['address'], unwritable: ['address', 'grade', 'ownerId'] } },
      version: 2,
      builtIn: true,
      updatedAt: new Date().toISOString(),
    };
    const publisher = await TestEventPublisher.connect(service.kafka);
    try {
      await deliver(
        service.app,
        publisher,
        createEvent('fieldforce.permissions.role.updated.v1', { subject: role.id, tenantId, data: { role, changedFields: ['fieldRules'] } }),
      );
      await eventually('the new policy is in force', async () => {
        const changes = await new Device(service.app, device.token).sync();
        return changes.length === 1 && changes[0]!.data?.['creditLimit'] === 900;
      });
      // The device's cursor was issued under the old masking: it gets the record again.
      const resent = await device.sync();
      expect(resent).toEqual([expect.objectContaining({ id: customer.id, op: 'upsert', version: 1 })]);
      expect(resent[0]!.data).not.toHaveProperty('address');
      expect(resent[0]!.data).toMatchObject({ creditLimit: 900 });
      expect(await device.sync()).toEqual([]);
      await deliver(service.app, publisher, customerEvent('updated', { ...customer, name: 'Later', version: 2 }));
      expect((await device.sync()).map((change) => change.version)).toEqual([2]);
    } finally {
      await publisher.disconnect();
    }
  });
});
