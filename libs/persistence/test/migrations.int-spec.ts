import { type DataSource, type MigrationInterface, type QueryRunner } from 'typeorm';
import { type MigrationList, migrationStatus, runMigrations } from '../src';
import { type ScratchDatabase, createScratchDatabase } from './scratch-database';

class CreateStepProbe1700000000101 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('CREATE TABLE step_probe (id int PRIMARY KEY)');
  }
  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE step_probe');
  }
}

class AddStepProbeLabel1700000000102 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE step_probe ADD COLUMN label text');
  }
  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE step_probe DROP COLUMN label');
  }
}

class BrokenHalfway1700000000103 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('CREATE TABLE half_done (id int)');
    await queryRunner.query('SELECT no_such_function()');
  }
  async down(): Promise<void> {}
}

const WORKING = [CreateStepProbe1700000000101, AddStepProbeLabel1700000000102];

describe(runMigrations.name, () => {
  let database: ScratchDatabase;
  const opened: DataSource[] = [];
  const open = async (migrations: MigrationList = WORKING): Promise<DataSource> => {
    const dataSource = await database.dataSource('checkins', { migrations }).initialize();
    opened.push(dataSource);
    return dataSource;
  };

  beforeEach(async () => {
    database = await createScratchDatabase('migrations');
  });

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((dataSource) => dataSource.destroy()));
    await database.drop();
  });

  const columnsOf = async (dataSource: DataSource, table: string): Promise<string[]> =>
    (
      await dataSource.query(
        `SELECT column_name FROM information_schema.columns
          WHERE table_schema = 'checkins' AND table_name = $1 ORDER BY ordinal_position`,
        [table],
      )
    ).map((row: { column_name: string }) => row.column_name);

  it("applies pending migrations in order and records them in the service schema's migrations table", async () => {
    const dataSource = await open();
    expect(await runMigrations(dataSource, 'up')).toEqual([
      'CreateStepProbe1700000000101',
      'AddStepProbeLabel1700000000102',
    ]);
    expect(await columnsOf(dataSource, 'step_probe')).toEqual(['id', 'label']);
    const [table] = await dataSource.query(
      "SELECT schemaname, tableowner FROM pg_tables WHERE tablename = 'migrations'",
    );
    expect(table).toEqual({ schemaname: 'checkins', tableowner: 'fieldforce_checkins' });
    expect(await runMigrations(dataSource, 'up')).toEqual([]);
  });

  it('reverts the given number of steps, newest first, and then nothing', async () => {
    const dataSource = await open();
    await runMigrations(dataSource, 'up');
    expect(await runMigrations(dataSource, 'down')).toEqual(['AddStepProbeLabel1700000000102']);
    expect(await columnsOf(dataSource, 'step_probe')).toEqual(['id']);
    expect(await runMigrations(dataSource, 'down', 5)).toEqual(['CreateStepProbe1700000000101']);
    expect(await columnsOf(dataSource, 'step_probe')).toEqual([]);
    expect(await runMigrations(dataSource, 'down')).toEqual([]);
    expect(await runMigrations(dataSource, 'up')).toHaveLength(2);
  });

  it('reports which migrations are applied and which pending', async () => {
    const first = await open([CreateStepProbe1700000000101]);
    await runMigrations(first, 'up');
    const both = await open();
    expect(await migrationStatus(both)).toEqual([
      { name: 'CreateStepProbe1700000000101', applied: true },
      { name: 'AddStepProbeLabel1700000000102', applied: false },
    ]);
  });

  it('commits each migration on its own, so a failing one leaves the earlier ones applied and itself undone', async () => {
    const dataSource = await open([...WORKING, BrokenHalfway1700000000103]);
    // TypeORM prints the failing migration with console.log even with logging off.
    jest.spyOn(console, 'log').mockImplementationOnce(() => undefined);
    await expect(runMigrations(dataSource, 'up')).rejects.toThrow(/no_such_function/);
    expect(await columnsOf(dataSource, 'step_probe')).toEqual(['id', 'label']);
    expect(await columnsOf(dataSource, 'half_done')).toEqual([]);
    expect((await migrationStatus(dataSource)).map((state) => state.applied)).toEqual([true, true, false]);
  });

  it('applies each migration once when two processes migrate at the same time', async () => {
    const [left, right] = await Promise.all([open(), open()]);
    const [leftApplied, rightApplied] = await Promise.all([runMigrations(left, 'up'), runMigrations(right, 'up')]);
    expect([...leftApplied, ...rightApplied].sort()).toEqual([
      'AddStepProbeLabel1700000000102',
      'CreateStepProbe1700000000101',
    ]);
  });

  it('refuses a step count that is not a positive integer', async () => {
    const dataSource = await open();
    await expect(runMigrations(dataSource, 'down', 0)).rejects.toThrow(/positive integer/);
  });
});
