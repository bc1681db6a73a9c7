import { randomUUID } from 'node:crypto';
import { type DataSource, type Repository } from 'typeorm';
import { runMigrations, updateVersioned } from '../src';
import { CreateProbeAggregate1700000000001, ProbeAggregate } from './probe-aggregate';
import { type ScratchDatabase, createScratchDatabase } from './scratch-database';

describe(updateVersioned.name, () => {
  let database: ScratchDatabase;
  let dataSource: DataSource;
  let probes: Repository<ProbeAggregate>;

  beforeAll(async () => {
    database = await createScratchDatabase('versioned_update');
    dataSource = await database
      .dataSource('visits', { entities: [ProbeAggregate], migrations: [CreateProbeAggregate1700000000001] })
      .initialize();
    await runMigrations(dataSource, 'up');
    probes = dataSource.getRepository(ProbeAggregate);
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  const createProbe = (displayName = 'original'): Promise<ProbeAggregate> =>
    probes.save(probes.create({ tenantId: randomUUID(), displayName }));

  it('applies the change and bumps the version when the expected version matches', async () => {
    const probe = await createProbe();
    const result = await updateVersioned(probes, probe, { displayName: 'renamed' });
    expect(result).toMatchObject({ outcome: 'updated', version: 2 });
    const reloaded = await probes.findOneByOrFail({ id: probe.id });
    expect(reloaded).toMatchObject({ displayName: 'renamed', version: 2 });
    expect(result.outcome === 'updated' && result.updatedAt.getTime()).toBe(reloaded.updatedAt.getTime());
  });

  it('reports a stale version with the current one and changes nothing', async () => {
    const probe = await createProbe();
    await updateVersioned(probes, probe, { displayName: 'first writer' });
    const result = await updateVersioned(probes, probe, { displayName: 'second writer' });
    expect(result).toEqual({ outcome: 'stale', currentVersion: 2 });
    expect(await probes.findOneByOrFail({ id: probe.id })).toMatchObject({ displayName: 'first writer', version: 2 });
  });

  it("treats another tenant's row and a soft-deleted row as missing", async () => {
    const probe = await createProbe();
    const otherTenant = await updateVersioned(probes, { ...probe, tenantId: randomUUID() }, { displayName: 'x' });
    expect(otherTenant).toEqual({ outcome: 'missing' });
    await probes.softDelete({ id: probe.id });
    expect(await updateVersioned(probes, probe, { displayName: 'x' })).toEqual({ outcome: 'missing' });
    const unknown = await updateVersioned(probes, { id: randomUUID(), tenantId: probe.tenantId, version: 1 }, {});
    expect(unknown).toEqual({ outcome: 'missing' });
  });

  it('lets exactly one of several concurrent writers of the same version win', async () => {
    const probe = await createProbe();
    const results = await Promise.all(
      ['a', 'b', 'c', 'd'].map((writer) => updateVersioned(probes, probe, { displayName: writer })),
    );
    expect(results.filter((result) => result.outcome === 'updated')).toHaveLength(1);
    expect(results.filter((result) => result.outcome === 'stale')).toHaveLength(3);
    expect((await probes.findOneByOrFail({ id: probe.id })).version).toBe(2);
  });

  it("takes part in the caller's transaction", async () => {
    const probe = await createProbe();
    await expect(
      dataSource.transaction(async (manager) => {
        const result = await updateVersioned(manager.getRepository(ProbeAggregate), probe, { displayName: 'rolled back' });
        expect(result.outcome).toBe('updated');
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect(await probes.findOneByOrFail({ id: probe.id })).toMatchObject({ displayName: 'original', version: 1 });
  });
});
