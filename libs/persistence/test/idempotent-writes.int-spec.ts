import { randomUUID } from 'node:crypto';
import { type DataSource, type EntityManager, type MigrationInterface, type QueryRunner } from 'typeorm';
import { CommonErrorCode, CommonException } from '@fieldforce/platform';
import { createIdempotencyKeysTable, dropIdempotencyKeysTable, IdempotentWrites, type IdempotentRequest, runMigrations } from '../src';
import { type ScratchDatabase, createScratchDatabase } from './scratch-database';

class CreateIdempotencyProbe1700000000002 implements MigrationInterface {
  name = 'CreateIdempotencyProbe1700000000002';

  async up(queryRunner: QueryRunner): Promise<void> {
    await createIdempotencyKeysTable(queryRunner, 'visits');
    await queryRunner.query('CREATE TABLE visits.writes (id serial PRIMARY KEY, tenant_id uuid NOT NULL, label text NOT NULL)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE visits.writes');
    await dropIdempotencyKeysTable(queryRunner, 'visits');
  }
}

describe(IdempotentWrites.name, () => {
  let database: ScratchDatabase;
  let dataSource: DataSource;
  let writes: IdempotentWrites;

  beforeAll(async () => {
    database = await createScratchDatabase('idempotency');
    dataSource = await database.dataSource('visits', { migrations: [CreateIdempotencyProbe1700000000002] }).initialize();
    await runMigrations(dataSource, 'up');
    writes = new IdempotentWrites(dataSource, { schema: 'visits' });
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  const request = (overrides: Partial<IdempotentRequest> = {}): IdempotentRequest => ({
    tenantId: randomUUID(),
    principal: 'user-1',
    key: randomUUID(),
    fingerprint: 'body-1',
    ...overrides,
  });

  const insertWrite = (tenantId: string, label: string) => async (manager: EntityManager) => {
    const [row] = await manager.query<{ id: number }[]>('INSERT INTO visits.writes (tenant_id, label) VALUES ($1, $2) RETURNING id', [
      tenantId,
      label,
    ]);
    return { id: row!.id, label };
  };

  const writesOf = async (tenantId: string): Promise<number> => {
    const [row] = await dataSource.query<{ count: string }[]>('SELECT count(*) FROM visits.writes WHERE tenant_id = $1', [tenantId]);
    return Number(row!.count);
  };

  it('runs a write once and answers a replay of its key with the first result', async () => {
    const key = request();
    const first = await writes.run(key, insertWrite(key.tenantId, 'first'));
    const replay = await writes.run(key, insertWrite(key.tenantId, 'second'));

    expect(first).toEqual({ result: { id: expect.any(Number), label: 'first' }, replayed: false });
    expect(replay).toEqual({ result: first.result, replayed: true });
    expect(await writesOf(key.tenantId)).toBe(1);
  });

  it('runs concurrent requests with one key once; the others wait and answer its result', async () => {
    const key = request();
    const outcomes = await Promise.all([1, 2, 3, 4].map((n) => writes.run(key, insertWrite(key.tenantId, `write ${n}`))));

    expect(outcomes.filter((outcome) => !outcome.replayed)).toHaveLength(1);
    expect(new Set(outcomes.map((outcome) => outcome.result.id)).size).toBe(1);
    expect(await writesOf(key.tenantId)).toBe(1);
  });

  it('refuses the key with another request body or from another user, and runs nothing', async () => {
    const key = request();
    await writes.run(key, insertWrite(key.tenantId, 'first'));

    for (const reuse of [{ ...key, fingerprint: 'body-2' }, { ...key, principal: 'user-2' }]) {
      const error = await writes.run(reuse, insertWrite(key.tenantId, 'other')).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(CommonException);
      expect((error as CommonException).code).toBe(CommonErrorCode.IdempotencyKeyReused);
    }
    expect(await writesOf(key.tenantId)).toBe(1);
  });

  it('keeps keys apart per tenant', async () => {
    const key = request();
    const otherTenant = { ...key, tenantId: randomUUID() };
    await writes.run(key, insertWrite(key.tenantId, 'first'));

    expect((await writes.run(otherTenant, insertWrite(otherTenant.tenantId, 'first'))).replayed).toBe(false);
    expect(await writesOf(otherTenant.tenantId)).toBe(1);
  });

  it('leaves the key free when the write fails, so a retry runs it', async () => {
    const key = request();
    const failing = writes.run(key, async (manager) => {
      await insertWrite(key.tenantId, 'rolled back')(manager);
      throw new Error('write failed');
    });
    await expect(failing).rejects.toThrow('write failed');

    const retry = await writes.run(key, insertWrite(key.tenantId, 'retried'));
    expect(retry).toMatchObject({ replayed: false, result: { label: 'retried' } });
    expect(await writesOf(key.tenantId)).toBe(1);
  });

  it('forgets keys past the retention: pruning removes them and a late replay runs afresh', async () => {
    const shortLived = new IdempotentWrites(dataSource, { schema: 'visits', retentionMs: 50 });
    const key = request();
    await shortLived.run(key, insertWrite(key.tenantId, 'first'));
    await dataSource.query(`UPDATE visits.idempotency_keys SET created_at = now() - interval '1 minute' WHERE key = $1`, [key.key]);

    expect((await shortLived.run({ ...key, fingerprint: 'body-2' }, insertWrite(key.tenantId, 'second'))).replayed).toBe(false);
    await dataSource.query(`UPDATE visits.idempotency_keys SET created_at = now() - interval '1 minute' WHERE key = $1`, [key.key]);
    expect(await shortLived.prune()).toBeGreaterThanOrEqual(1);
    expect(await writesOf(key.tenantId)).toBe(2);
  });

  it('is a plain transaction without a key', async () => {
    const tenantId = randomUUID();
    await writes.run(undefined, insertWrite(tenantId, 'one'));
    await writes.run(undefined, insertWrite(tenantId, 'two'));
    expect(await writesOf(tenantId)).toBe(2);
  });
});
