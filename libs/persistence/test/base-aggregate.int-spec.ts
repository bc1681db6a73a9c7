import { randomUUID } from 'node:crypto';
import { type DataSource, type Repository } from 'typeorm';
import { isUuidV7 } from '@fieldforce/contracts';
import { BaseAggregate, runMigrations } from '../src';
import { CreateProbeAggregate1700000000001, ProbeAggregate } from './probe-aggregate';
import { type ScratchDatabase, createScratchDatabase } from './scratch-database';

describe(BaseAggregate.name, () => {
  let database: ScratchDatabase;
  let dataSource: DataSource;
  let probes: Repository<ProbeAggregate>;

  beforeAll(async () => {
    database = await createScratchDatabase('base_aggregate');
    dataSource = await database
      .dataSource('customers', { entities: [ProbeAggregate], migrations: [CreateProbeAggregate1700000000001] })
      .initialize();
    await runMigrations(dataSource, 'up');
    probes = dataSource.getRepository(ProbeAggregate);
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  it('matches a hand-written migration that uses snake_case and Postgres-style constraint names', async () => {
    const pending = await dataSource.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((query) => query.query)).toEqual([]);
  });

  it('stores the base columns in snake_case in the service schema, with tenant_id indexed', async () => {
    const columns = await dataSource.query(
      `SELECT column_name FROM information_schema.columns
        WHERE table_schema = 'customers' AND table_name = 'probe_aggregate' ORDER BY ordinal_position`,
    );
    expect(columns.map((row: { column_name: string }) => row.column_name)).toEqual([
      'id',
      'tenant_id',
      'version',
      'created_at',
      'updated_at',
      'deleted_at',
      'display_name',
    ]);
    const indexes = await dataSource.query(
      "SELECT indexdef FROM pg_indexes WHERE schemaname = 'customers' AND indexname = 'probe_aggregate_tenant_id_idx'",
    );
    expect(indexes).toHaveLength(1);
  });

  it('assigns a UUIDv7 id, version 1 and timestamps to a new aggregate', async () => {
    const before = new Date();
    const saved = await probes.save(probes.create({ tenantId: randomUUID(), displayName: 'Acme' }));
    expect(isUuidV7(saved.id)).toBe(true);
    expect(saved.version).toBe(1);
    expect(saved.createdAt).toBeInstanceOf(Date);
    expect(saved.createdAt.getTime()).toBeGreaterThanOrEqual(before.getTime() - 1000);
    expect(saved.updatedAt.getTime()).toBe(saved.createdAt.getTime());
    expect(saved.deletedAt).toBeNull();
  });

  it('keeps an id the client supplied', async () => {
    const clientId = randomUUID();
    await probes.save(probes.create({ id: clientId, tenantId: randomUUID(), displayName: 'Offline' }));
    expect(await probes.findOneBy({ id: clientId })).toMatchObject({ id: clientId, displayName: 'Offline' });
  });

  it('increments the version and moves updatedAt on every save', async () => {
    const saved = await probes.save(probes.create({ tenantId: randomUUID(), displayName: 'v1' }));
    // Read back as whole milliseconds, two saves in the same millisecond (a few times in a hundred
    // on a fast machine) would look unmoved: the second one comes a few milliseconds later.
    await new Promise((resolve) => setTimeout(resolve, 5));
    saved.displayName = 'v2';
    const updated = await probes.save(saved);
    const reloaded = await probes.findOneByOrFail({ id: saved.id });
    expect(updated.version).toBe(2);
    expect(reloaded.version).toBe(2);
    expect(reloaded.updatedAt.getTime()).toBeGreaterThan(reloaded.createdAt.getTime());
  });

  it('soft-deletes through deletedAt, hiding the row from ordinary reads', async () => {
    const saved = await probes.save(probes.create({ tenantId: randomUUID(), displayName: 'Gone' }));
    await probes.softDelete({ id: saved.id });
    expect(await probes.findOneBy({ id: saved.id })).toBeNull();
    const withDeleted = await probes.findOneOrFail({ where: { id: saved.id }, withDeleted: true });
    expect(withDeleted.deletedAt).toBeInstanceOf(Date);
  });
});
