import { type DataSource, MigrationExecutor, type QueryRunner } from 'typeorm';

export type MigrationDirection = 'up' | 'down';

/** One migration known to the code, and whether the database has it. */
export interface MigrationState {
  name: string;
  applied: boolean;
}

/** Applies every pending migration, or reverts the last `steps` (default 1); returns the names, in order. */
export function runMigrations(dataSource: DataSource, direction: 'up'): Promise<string[]>;
export function runMigrations(dataSource: DataSource, direction: 'down', steps?: number): Promise<string[]>;
export async function runMigrations(
  dataSource: DataSource,
  direction: MigrationDirection,
  steps = 1,
): Promise<string[]> {
  if (!Number.isInteger(steps) || steps < 1) throw new Error(`steps must be a positive integer, got ${steps}`);
  return withMigrationLock(dataSource, async (executor) => {
    switch (direction) {
      case 'up':
        return (await executor.executePendingMigrations()).map((migration) => migration.name);
      case 'down': {
        // Newest first, the order undoLastMigration reverts them in.
        const reverted = (await executor.getExecutedMigrations()).slice(0, steps).map((migration) => migration.name);
        for (let step = 0; step < reverted.length; step += 1) await executor.undoLastMigration();
        return reverted;
      }
    }
  });
}

/** Every migration the data source knows, oldest first, with whether it has been applied. */
export async function migrationStatus(dataSource: DataSource): Promise<MigrationState[]> {
  return withMigrationLock(dataSource, async (executor) => {
    const applied = new Set((await executor.getExecutedMigrations()).map((migration) => migration.name));
    const known = await executor.getAllMigrations();
    return known.map((migration) => ({ name: migration.name, applied: applied.has(migration.name) }));
  });
}

// Two replicas (or an ops job and a replica) migrating the same schema at once would both try to
// apply the same migration; a session advisory lock per schema makes the second wait and then skip.
async function withMigrationLock<T>(
  dataSource: DataSource,
  work: (executor: MigrationExecutor) => Promise<T>,
): Promise<T> {
  const queryRunner: QueryRunner = dataSource.createQueryRunner('master');
  const lockKey = `fieldforce.migrations.${String(dataSource.driver.schema ?? 'public')}`;
  try {
    await queryRunner.query('SELECT pg_advisory_lock(hashtext($1))', [lockKey]);
    try {
      const executor = new MigrationExecutor(dataSource, queryRunner);
      executor.transaction = dataSource.options.migrationsTransactionMode ?? 'each';
      return await work(executor);
    } finally {
      await queryRunner.query('SELECT pg_advisory_unlock(hashtext($1))', [lockKey]);
    }
  } finally {
    await queryRunner.release();
  }
}
