import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { dataScopeCondition } from '@fieldforce/auth';
import { type FeedViewer } from './feed-cursor';
import { FEED_ENTITIES, type FeedEntityKind, type FeedRecord } from './feed-entities';

/** One row the feed hands out: the record's latest state (upsert or tombstone) or a scope exit. */
export interface FeedRow {
  entity: string;
  id: string;
  seq: bigint;
  version: number;
  op: 'upsert' | 'delete';
  data: Record<string, unknown> | null;
}

/** A tenant's counter: the last sequence handed out, and the highest one a purge removed. */
export interface FeedMarks {
  lastSeq: bigint;
  horizonSeq: bigint;
}

/** The reader a condition is built for: a viewer of a tenant's user. */
export interface FeedReader {
  tenantId: string;
  userId: string;
  viewer: FeedViewer;
}

interface Sql {
  text: string;
  parameters: Record<string, unknown>;
}

interface RawRow {
  entity: string;
  id: string;
  seq: string;
  version: number;
  deleted: boolean;
  data: Record<string, unknown> | null;
  op?: 'upsert' | 'delete';
}

const toRow = (raw: RawRow): FeedRow => ({
  entity: raw.entity,
  id: raw.id,
  seq: BigInt(raw.seq),
  version: raw.version,
  op: raw.op ?? (raw.deleted ? 'delete' : 'upsert'),
  data: raw.deleted ? null : raw.data,
});

const FIRST_KEY: [string, string] = ['', '00000000-0000-0000-0000-000000000000'];

/**
 * Which rows of `alias` (a feed_records or feed_scope_exits row, by its entity, owner_id and
 * org_path) `reader` may see: the kinds their roles read, each by its visibility rule.
 */
function visibleTo(reader: FeedReader, alias: string, prefix: string): Sql {
  const parameters: Record<string, unknown> = {};
  const parts = FEED_ENTITIES.filter((kind) => reader.viewer.kinds.includes(kind.entity)).map((kind, index) => {
    const entity = `${prefix}Entity${index}`;
    parameters[entity] = kind.entity;
    const isKind = `${alias}.entity = :${entity}`;
    switch (kind.visibility) {
      case 'tenant':
        return isKind;
      case 'owner':
        parameters[`${prefix}Owner`] = reader.userId;
        return `(${isKind} AND ${alias}.owner_id = :${prefix}Owner)`;
      case 'scope': {
        const subject = { tenantId: reader.tenantId, userId: reader.userId, scope: reader.viewer.scope, orgPath: reader.viewer.orgPath };
        const scope = dataScopeCondition(subject, { alias, parameterPrefix: prefix });
        Object.assign(parameters, scope.parameters);
        return `(${isKind} AND ${scope.sql})`;
      }
      default: {
        const unknown: never = kind.visibility;
        throw new TypeError(`unknown visibility ${String(unknown)}`);
      }
    }
  });
  return { text: parts.length === 0 ? 'false' : `(${parts.join(' OR ')})`, parameters };
}

/**
 * The change feed's storage: applying events (latest state per record, scope exits, the per-tenant
 * sequence), reading pages for a reader, and purging tombstones past retention.
 */
@Injectable()
export class FeedRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Stores an event's record state in the consuming transaction unless the stored version is the
   * same or newer (duplicates and stale, reordered events change nothing); resolves to the
   * sequence the change got, or null when it was ignored.
   */
  async apply(manager: EntityManager, kind: FeedEntityKind, record: FeedRecord): Promise<bigint | null> {
    // One writer per record at a time, taken before the tenant counter (always in this order).
    await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [`sync.feed:${record.tenantId}:${kind.entity}:${record.id}`]);
    const [stored] = await manager.query<{ version: number; ownerId: string | null; orgPath: string | null; deleted: boolean }[]>(
      `SELECT version, owner_id AS "ownerId", org_path AS "orgPath", deleted FROM sync.feed_records
       WHERE tenant_id = $1 AND entity = $2 AND id = $3`,
      [record.tenantId, kind.entity, record.id],
    );
    if (stored && stored.version >= record.version) return null;
    // Last, so the counter row stays locked only until the commit: the next change of the tenant
    // gets its sequence after this one committed, hence commit order equals sequence order.
    const [counter] = await manager.query<{ seq: string }[]>(
      `INSERT INTO sync.feed_tenants AS t (tenant_id, last_seq) VALUES ($1, 1)
       ON CONFLICT (tenant_id) DO UPDATE SET last_seq = t.last_seq + 1
       RETURNING last_seq AS seq`,
      [record.tenantId],
    );
    const seq = counter!.seq;
    const movedOut =
      stored !== undefined &&
      !stored.deleted &&
      kind.visibility !== 'tenant' &&
      (stored.ownerId !== record.ownerId || stored.orgPath !== record.orgPath);
    if (movedOut) {
      await manager.query(
        `INSERT INTO sync.feed_scope_exits (tenant_id, seq, entity, id, version, owner_id, org_path) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [record.tenantId, seq, kind.entity, record.id, record.version, stored.ownerId, stored.orgPath],
      );
    }
    await manager.query(
      `INSERT INTO sync.feed_records AS r (tenant_id, entity, id, seq, version, owner_id, org_path, deleted, data)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb)
       ON CONFLICT (tenant_id, entity, id) DO UPDATE SET
         seq = EXCLUDED.seq, version = EXCLUDED.version, owner_id = EXCLUDED.owner_id, org_path = EXCLUDED.org_path,
         deleted = EXCLUDED.deleted, data = EXCLUDED.data, changed_at = now()`,
      [
        record.tenantId,
        kind.entity,
        record.id,
        seq,
        record.version,
        record.ownerId,
        record.orgPath,
        record.deleted,
        record.deleted ? null : JSON.stringify(record.data),
      ],
    );
    return BigInt(seq);
  }

  /** Runs `work` in one snapshot (REPEATABLE READ), so every read of a pull sees the same committed changes. */
  async snapshot<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction('REPEATABLE READ', work);
  }

  async marks(manager: EntityManager, tenantId: string): Promise<FeedMarks> {
    const [row] = await manager.query<{ lastSeq: string; horizonSeq: string }[]>(
      `SELECT last_seq AS "lastSeq", horizon_seq AS "horizonSeq" FROM sync.feed_tenants WHERE tenant_id = $1`,
      [tenantId],
    );
    return { lastSeq: BigInt(row?.lastSeq ?? 0), horizonSeq: BigInt(row?.horizonSeq ?? 0) };
  }

  /**
   * The tenant's marks and the changes after `after` that `reader` may see, in one statement (so
   * one snapshot): the changes up to `upper` = min(last sequence, after + window), in sequence
   * order, at most `take` — records (upserts and tombstones) whose current state the reader sees,
   * and the scope exits of records the reader saw but no longer sees (only the last such exit of a
   * record). `initial` leaves out deletes: a device without data has nothing to delete.
   */
  async changesAfter(
    reader: FeedReader,
    range: { after: bigint; window: bigint; take: number; initial: boolean },
  ): Promise<FeedMarks & { upper: bigint; rows: FeedRow[] }> {
    const r = visibleTo(reader, 'r', 'r');
    const x = visibleTo(reader, 'x', 'x');
    const y = visibleTo(reader, 'y', 'y');
    const records = `
      SELECT r.entity, r.id, r.seq, r.version, r.deleted, r.data
      FROM sync.feed_records r
      WHERE r.tenant_id = :tenantId AND r.seq > :after AND r.seq <= m.upper AND ${r.text}${range.initial ? ' AND NOT r.deleted' : ''}`;
    const exits = `
      SELECT x.entity, x.id, x.seq, x.version, true AS deleted, NULL::jsonb AS data
      FROM sync.feed_scope_exits x
      LEFT JOIN sync.feed_records r ON r.tenant_id = x.tenant_id AND r.entity = x.entity AND r.id = x.id
      WHERE x.tenant_id = :tenantId AND x.seq > :after AND x.seq <= m.upper AND ${x.text}
        AND NOT COALESCE(${r.text}, false)
        AND NOT EXISTS (
          SELECT 1 FROM sync.feed_scope_exits y
          WHERE y.tenant_id = x.tenant_id AND y.entity = x.entity AND y.id = x.id AND y.seq > x.seq AND ${y.text})`;
    // The marks come along on every row, and alone (entity null) when there is no change.
    const text = `
      WITH m AS (
        SELECT COALESCE(max(last_seq), 0) AS last_seq, COALESCE(max(horizon_seq), 0) AS horizon_seq,
               LEAST(COALESCE(max(last_seq), 0), CAST(:after AS bigint) + CAST(:window AS bigint)) AS upper
        FROM sync.feed_tenants WHERE tenant_id = :tenantId)
      SELECT m.last_seq AS "lastSeq", m.horizon_seq AS "horizonSeq", m.upper, c.*
      FROM m LEFT JOIN LATERAL (
        SELECT * FROM (${records}${range.initial ? '' : ` UNION ALL ${exits}`}) changes ORDER BY seq LIMIT :take
      ) c ON true`;
    const parameters = {
      ...r.parameters,
      ...x.parameters,
      ...y.parameters,
      tenantId: reader.tenantId,
      after: range.after.toString(),
      window: range.window.toString(),
      take: range.take,
    };
    const raw = await this.query<RawRow & { lastSeq: string; horizonSeq: string; upper: string }>(this.dataSource.manager, { text, parameters });
    const marks = raw[0]!;
    return {
      lastSeq: BigInt(marks.lastSeq),
      horizonSeq: BigInt(marks.horizonSeq),
      upper: BigInt(marks.upper),
      rows: raw.filter((row) => row.entity !== null).map(toRow),
    };
  }

  /** The (entity, id) `window` records after `after`, i.e. where a rebase page of that size ends; null past the end. */
  async windowEnd(manager: EntityManager, tenantId: string, after: [string, string] | null, window: number): Promise<[string, string] | null> {
    const [from, fromId] = after ?? FIRST_KEY;
    const [row] = await manager.query<{ entity: string; id: string }[]>(
      `SELECT entity, id FROM sync.feed_records WHERE tenant_id = $1 AND (entity, id) > ($2, CAST($3 AS uuid))
       ORDER BY entity, id OFFSET $4 LIMIT 1`,
      [tenantId, from, fromId, window - 1],
    );
    return row ? [row.entity, row.id] : null;
  }

  /**
   * What moves a device from `old` (everything up to `base` delivered as it saw it) to `current`,
   * for the records after `after` up to `until` in (entity, id) order, at most `take`: upserts of
   * what `current` sees and the device lacks or holds stale (all of it when masking changed),
   * deletes of what the device may hold and `current` does not see. Changes after `hwm` that
   * `current` sees are left to the incremental feed that follows.
   */
  async rebaseChanges(
    manager: EntityManager,
    readers: { old: FeedReader; current: FeedReader },
    range: { base: bigint; hwm: bigint; after: [string, string] | null; until: [string, string] | null; take: number },
  ): Promise<FeedRow[]> {
    const n = visibleTo(readers.current, 's', 'n');
    const o = visibleTo(readers.old, 's', 'o');
    const ox = visibleTo(readers.old, 'x', 'ox');
    const [from, fromId] = range.after ?? FIRST_KEY;
    const text = `
      WITH judged AS (
        SELECT s.entity, s.id, s.seq, s.version, s.deleted, s.data,
          COALESCE(${n.text}, false) AS vn,
          COALESCE(${o.text}, false) AS vo,
          EXISTS (
            SELECT 1 FROM sync.feed_scope_exits x
            WHERE x.tenant_id = s.tenant_id AND x.entity = s.entity AND x.id = s.id AND x.seq > :base AND ${ox.text}) AS ex
        FROM sync.feed_records s
        WHERE s.tenant_id = :tenantId AND (s.entity, s.id) > (:fromEntity, CAST(:fromId AS uuid))
          ${range.until ? 'AND (s.entity, s.id) <= (:untilEntity, CAST(:untilId AS uuid))' : ''}
      ), decided AS (
        SELECT j.*, CASE
          WHEN vn AND NOT deleted THEN CASE WHEN seq <= :hwm AND (:maskChanged OR seq > :base OR NOT vo) THEN 'upsert' END
          WHEN vn THEN CASE WHEN seq > :base AND seq <= :hwm THEN 'delete' END
          WHEN deleted THEN CASE WHEN seq > :base AND (vo OR ex) THEN 'delete' END
          ELSE CASE WHEN vo OR ex THEN 'delete' END
        END AS op
        FROM judged j
      )
      SELECT entity, id, seq, version, op = 'delete' AS deleted, data, op FROM decided
      WHERE op IS NOT NULL ORDER BY entity, id LIMIT :take`;
    const parameters = {
      ...n.parameters,
      ...o.parameters,
      ...ox.parameters,
      tenantId: readers.current.tenantId,
      fromEntity: from,
      fromId,
      ...(range.until ? { untilEntity: range.until[0], untilId: range.until[1] } : {}),
      base: range.base.toString(),
      hwm: range.hwm.toString(),
      maskChanged: readers.old.viewer.mask !== readers.current.viewer.mask,
      take: range.take,
    };
    return (await this.query(manager, { text, parameters })).map(toRow);
  }

  /**
   * Removes the tombstones (deleted records, scope exits) that changed before `cutoff`, and raises
   * each tenant's horizon to the highest sequence removed; resolves to how many rows went.
   */
  async purgeTombstones(cutoff: Date): Promise<number> {
    const [row] = await this.dataSource.query<{ purged: string }[]>(
      `WITH exits AS (DELETE FROM sync.feed_scope_exits WHERE changed_at < $1 RETURNING tenant_id, seq),
            tombstones AS (DELETE FROM sync.feed_records WHERE deleted AND changed_at < $1 RETURNING tenant_id, seq),
            purged AS (SELECT tenant_id, seq FROM exits UNION ALL SELECT tenant_id, seq FROM tombstones),
            horizons AS (
              UPDATE sync.feed_tenants t SET horizon_seq = GREATEST(t.horizon_seq, p.seq)
              FROM (SELECT tenant_id, max(seq) AS seq FROM purged GROUP BY tenant_id) p
              WHERE t.tenant_id = p.tenant_id
              RETURNING t.tenant_id)
       SELECT (SELECT count(*) FROM purged) AS purged`,
      [cutoff],
    );
    return Number(row?.purged ?? 0);
  }

  /** Remembers the cursor last issued to a user's client (an unlogged table: no WAL flush to wait for). */
  async recordCursor(tenantId: string, userId: string, clientId: string, cursor: string): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO sync.client_cursors (tenant_id, user_id, client_id, cursor) VALUES ($1, $2, $3, $4)
       ON CONFLICT (tenant_id, user_id, client_id) DO UPDATE SET cursor = EXCLUDED.cursor, issued_at = now()`,
      [tenantId, userId, clientId, cursor],
    );
  }

  /** The cursor last issued to a user's client, if any. */
  async lastCursor(tenantId: string, userId: string, clientId: string): Promise<string | null> {
    const [row] = await this.dataSource.query<{ cursor: string }[]>(
      `SELECT cursor FROM sync.client_cursors WHERE tenant_id = $1 AND user_id = $2 AND client_id = $3`,
      [tenantId, userId, clientId],
    );
    return row?.cursor ?? null;
  }

  private async query<T = RawRow>(manager: EntityManager, sql: Sql): Promise<T[]> {
    const [text, parameters] = this.dataSource.driver.escapeQueryWithParameters(sql.text, sql.parameters, {});
    return manager.query<T[]>(text, parameters);
  }
}
