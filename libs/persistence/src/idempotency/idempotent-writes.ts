import { type DataSource, type EntityManager } from 'typeorm';
import { CommonException } from '@fieldforce/platform';
import { idempotencyKeysTable } from './idempotency-keys-table';

/** One write's idempotency key: whose it is, and a fingerprint of the request it came with. */
export interface IdempotentRequest {
  tenantId: string;
  /** Who sent the first request (a user id): a key replayed by someone else is refused. */
  principal: string;
  key: string;
  /** Equal for equal requests (see `requestFingerprint` in @fieldforce/platform); a replay must match it. */
  fingerprint: string;
}

export interface IdempotentOutcome<T> {
  result: T;
  /** True when the key had been used: `result` is the first request's, and nothing ran again. */
  replayed: boolean;
}

export interface IdempotentWritesOptions {
  /** Schema holding `idempotency_keys` (see `createIdempotencyKeysTable`). */
  schema: string;
  /** How long a key is remembered (default 24 h); a key older than that starts afresh. */
  retentionMs?: number;
}

const DEFAULT_RETENTION_MS = 24 * 60 * 60 * 1_000;

/**
 * Runs writes at most once per idempotency key (per tenant). The key is claimed in the write's own
 * transaction, and the write's result stored there too, so a key is used exactly when its write
 * committed. A concurrent request with the same key waits for the first one's transaction; a
 * failed write (its transaction rolled back) leaves the key free for a retry.
 */
export class IdempotentWrites {
  private readonly table: string;
  private readonly retentionSeconds: number;

  constructor(
    private readonly dataSource: DataSource,
    options: IdempotentWritesOptions,
  ) {
    this.table = idempotencyKeysTable(options.schema);
    this.retentionSeconds = (options.retentionMs ?? DEFAULT_RETENTION_MS) / 1_000;
  }

  /**
   * Runs `work` in a transaction and answers its result; when `request` names a key already used
   * with the same fingerprint and principal, answers the stored first result without running
   * `work`; with another fingerprint or principal, throws `CommonException.idempotencyKeyReused`.
   * Without a request it is a plain transaction. The result must survive JSON (it is stored as jsonb).
   */
  async run<T>(request: IdempotentRequest | undefined, work: (manager: EntityManager) => Promise<T>): Promise<IdempotentOutcome<T>> {
    return this.dataSource.transaction(async (manager) => {
      if (!request) return { result: await work(manager), replayed: false };
      const stored = await this.claim(manager, request);
      if (stored) return { result: stored.result as T, replayed: true };
      const result = await work(manager);
      await manager.query(`UPDATE ${this.table} SET result = $3::jsonb WHERE tenant_id = $1 AND key = $2`, [
        request.tenantId,
        request.key,
        JSON.stringify(result ?? null),
      ]);
      // The same shape a replay answers: what JSON keeps of the result.
      return { result: JSON.parse(JSON.stringify(result ?? null)) as T, replayed: false };
    });
  }

  /** Deletes keys older than the retention; resolves to how many. */
  async prune(): Promise<number> {
    const [, deleted] = await this.dataSource.query<[unknown, number]>(
      `DELETE FROM ${this.table} WHERE created_at < now() - make_interval(secs => $1)`,
      [this.retentionSeconds],
    );
    return deleted;
  }

  // Inserts the key, or takes over an expired one; a live one (committed by another transaction,
  // which this insert waited for) is answered as stored, if the request matches it.
  private async claim(manager: EntityManager, request: IdempotentRequest): Promise<{ result: unknown } | undefined> {
    const claimed = await manager.query<unknown[]>(
      `INSERT INTO ${this.table} AS k (tenant_id, key, principal, request_hash) VALUES ($1, $2, $3, $4)
       ON CONFLICT (tenant_id, key) DO UPDATE
         SET principal = EXCLUDED.principal, request_hash = EXCLUDED.request_hash, result = NULL, created_at = now()
         WHERE k.created_at < now() - make_interval(secs => $5)
       RETURNING 1`,
      [request.tenantId, request.key, request.principal, request.fingerprint, this.retentionSeconds],
    );
    if (claimed.length > 0) return undefined;
    const [stored] = await manager.query<{ principal: string; request_hash: string; result: unknown }[]>(
      `SELECT principal, request_hash, result FROM ${this.table} WHERE tenant_id = $1 AND key = $2`,
      [request.tenantId, request.key],
    );
    // Pruned between the two statements: claim it afresh.
    if (!stored) return this.claim(manager, request);
    if (stored.principal !== request.principal || stored.request_hash !== request.fingerprint) {
      throw CommonException.idempotencyKeyReused(request.key);
    }
    return { result: stored.result };
  }
}
