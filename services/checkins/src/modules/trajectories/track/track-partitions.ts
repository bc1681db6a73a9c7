import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { addDays, dayStart, daysBetween, utcDay } from '../../../common/utc-day';

/** A day of points of one retention class: one leaf partition of `checkins.track_points`. */
export interface TrackPartitionKey {
  retentionDays: number;
  day: string;
}

/** What one maintenance run did. */
export interface PartitionMaintenance {
  created: string[];
  dropped: string[];
}

const SCHEMA = 'checkins';
const ROOT = 'track_points';
const LEAF_NAME = /^track_points_r(\d+)_d(\d{4})(\d{2})(\d{2})$/;
const CLASS_NAME = /^track_points_r(\d+)$/;
// Partition DDL of all replicas takes turns; inserts only wait for the short DDL itself.
const DDL_LOCK_SQL = `SELECT pg_advisory_xact_lock(hashtextextended('checkins.track-partitions', 0))`;
// DDL on a partitioned table waits for running inserts; give up rather than queue inserts behind it for long.
const DDL_LOCK_TIMEOUT = '10s';

const classTable = (retentionDays: number): string => `${ROOT}_r${retentionDays}`;

/** The name of the leaf partition holding one retention class's points of one day. */
export function partitionName({ retentionDays, day }: TrackPartitionKey): string {
  return `${classTable(retentionDays)}_d${day.replace(/-/g, '')}`;
}

/** The key of a leaf partition name this service made, or undefined for any other table. */
export function parsePartitionName(name: string): TrackPartitionKey | undefined {
  const match = LEAF_NAME.exec(name);
  if (!match) return undefined;
  const [, retentionDays, year, month, day] = match;
  return { retentionDays: Number(retentionDays), day: `${year}-${month}-${day}` };
}

/** The oldest day a retention class still keeps on `today`: older days are dropped whole. */
export function oldestKeptDay(today: string, retentionDays: number): string {
  return addDays(today, -retentionDays);
}

/**
 * The partitions of `checkins.track_points`: one per retention class (LIST), each split into
 * UTC days (RANGE). Creates them ahead of time and on demand (late points), safely when replicas
 * race, and drops days a class no longer keeps: retention never deletes rows one by one.
 */
@Injectable()
export class TrackPartitions {
  private readonly logger = new Logger(TrackPartitions.name);
  private known: Set<string> | undefined;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Makes sure the partitions of the given class-days exist; cheap when they do. */
  async ensure(keys: readonly TrackPartitionKey[]): Promise<string[]> {
    const wanted = new Map(keys.map((key) => [partitionName(key), key]));
    let missing = [...wanted.keys()].filter((name) => !this.known?.has(name));
    if (missing.length === 0) return [];
    // Another replica (or an earlier run) may have made them: look before taking the DDL lock.
    const known = await this.reload();
    missing = missing.filter((name) => !known.has(name));
    if (missing.length === 0) return [];
    return this.create(missing.map((name) => wanted.get(name)!));
  }

  /** Forgets what it knew: after another replica dropped a partition this one still thought was there. */
  forget(): void {
    this.known = undefined;
  }

  /**
   * Creates the days from yesterday to `aheadDays` after today for every retention class in use,
   * and drops every day partition older than its class keeps.
   */
  async maintain(options: { now: Date; aheadDays: number; retentionClasses: readonly number[] }): Promise<PartitionMaintenance> {
    const today = utcDay(options.now);
    const days = daysBetween(addDays(today, -1), addDays(today, options.aheadDays));
    const classes = new Set([...options.retentionClasses, ...(await this.existingClasses())]);
    const created = await this.ensure([...classes].flatMap((retentionDays) => days.map((day) => ({ retentionDays, day }))));
    const dropped = await this.dropExpired(today);
    if (created.length + dropped.length > 0) this.logger.log({ created, dropped }, 'track partitions maintained');
    return { created, dropped };
  }

  /** The leaf partitions that exist now (names), straight from the catalog. */
  async existing(): Promise<string[]> {
    return [...(await this.reload())].filter((name) => LEAF_NAME.test(name)).sort();
  }

  private async dropExpired(today: string): Promise<string[]> {
    const expired = (await this.existing()).filter((name) => {
      const key = parsePartitionName(name)!;
      return key.day < oldestKeptDay(today, key.retentionDays);
    });
    if (expired.length === 0) return [];
    await this.underDdlLock(async (manager) => {
      for (const name of expired) await manager.query(`DROP TABLE IF EXISTS ${SCHEMA}.${name}`);
      // The class of a dropped day no longer matters; a late point for it is refused anyway.
      await manager.query(`DELETE FROM ${SCHEMA}.track_days WHERE day < $1::date - retention_days`, [today]);
    });
    this.forget();
    return expired;
  }

  private async create(keys: readonly TrackPartitionKey[]): Promise<string[]> {
    const created: string[] = [];
    await this.underDdlLock(async (manager) => {
      for (const key of keys) {
        const parent = classTable(key.retentionDays);
        const name = partitionName(key);
        // Checked again under the lock: a replica that held it before us may have made it.
        if (!(await exists(manager, parent))) {
          await manager.query(
            `CREATE TABLE ${SCHEMA}.${parent} PARTITION OF ${SCHEMA}.${ROOT} FOR VALUES IN (${key.retentionDays}) PARTITION BY RANGE (captured_at)`,
          );
        }
        if (await exists(manager, name)) continue;
        const from = dayStart(key.day).toISOString();
        const to = dayStart(addDays(key.day, 1)).toISOString();
        await manager.query(`CREATE TABLE ${SCHEMA}.${name} PARTITION OF ${SCHEMA}.${parent} FOR VALUES FROM ('${from}') TO ('${to}')`);
        created.push(name);
      }
    });
    for (const name of created) this.known?.add(name);
    return created;
  }

  private async underDdlLock(work: (manager: EntityManager) => Promise<void>): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await manager.query(`SET LOCAL lock_timeout = '${DDL_LOCK_TIMEOUT}'`);
      await manager.query(DDL_LOCK_SQL);
      await work(manager);
    });
  }

  private async existingClasses(): Promise<number[]> {
    return [...(await this.reload())].flatMap((name) => {
      const match = CLASS_NAME.exec(name);
      return match ? [Number(match[1])] : [];
    });
  }

  /** Every partition below the root (classes and days), read from the catalog into the cache. */
  private async reload(): Promise<Set<string>> {
    const rows = await this.dataSource.query<{ name: string }[]>(
      `SELECT c.relname AS name FROM pg_partition_tree($1::regclass) AS tree JOIN pg_class c ON c.oid = tree.relid
       WHERE tree.level > 0`,
      [`${SCHEMA}.${ROOT}`],
    );
    this.known = new Set(rows.map((row) => row.name));
    return this.known;
  }
}

// A query on pg_class sees what committed before it started. to_regclass would go through the
// backend's catalog cache, which an advisory lock does not refresh: it can miss a partition
// another replica created while we waited for the lock.
async function exists(manager: EntityManager, table: string): Promise<boolean> {
  const [row] = await manager.query<{ exists: boolean }[]>(
    `SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                     WHERE n.nspname = $1 AND c.relname = $2) AS "exists"`,
    [SCHEMA, table],
  );
  return row?.exists === true;
}
