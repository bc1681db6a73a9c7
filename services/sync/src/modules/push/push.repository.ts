import { Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { InjectConfig } from '@fieldforce/platform';
import { type SyncConfig } from '../../config/sync.config';
import { type StoredMutationResult } from './push-results';

/** A client as push knows it: whose it is and how far its mutations have been applied. */
export interface SyncClient {
  tenantId: string;
  userId: string;
  lastMutationId: number;
}

interface ClientRow {
  tenant_id: string;
  user_id: string;
  last_mutation_id: string;
}

const toClient = (row: ClientRow): SyncClient => ({
  tenantId: row.tenant_id,
  userId: row.user_id,
  lastMutationId: Number(row.last_mutation_id),
});

/**
 * The SQL of push: the per-client row (the lock pushes of one client serialize on) and stored
 * results. Push's transactions run on a pool of their own: each waits, holding its connection,
 * while the owner applies the mutation, and an owner verifying uploads calls back into sync,
 * which needs a connection of the main pool — were they one pool, enough pushes at once would
 * hold every connection and wait for those callbacks forever.
 */
@Injectable()
export class PushRepository implements OnModuleInit, OnApplicationShutdown {
  private readonly pushPool: DataSource;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectConfig() config: SyncConfig,
  ) {
    const { options } = dataSource;
    if (options.type !== 'postgres') throw new Error(`sync runs on PostgreSQL, not ${options.type}`);
    // Push's SQL is its own: the pool needs no entity metadata or migrations of the main one.
    this.pushPool = new DataSource({
      ...options,
      entities: [],
      migrations: [],
      subscribers: [],
      poolSize: config.push.poolSize,
      applicationName: 'fieldforce-sync-push',
    });
  }

  async onModuleInit(): Promise<void> {
    await this.pushPool.initialize();
  }

  // After the graceful shutdown drained HTTP (beforeApplicationShutdown): no push still needs it.
  async onApplicationShutdown(): Promise<void> {
    if (this.pushPool.isInitialized) await this.pushPool.destroy();
  }

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.pushPool.transaction(work);
  }

  /**
   * The client's row, bound to the tenant and user on first use, locked until `manager`'s
   * transaction ends: a concurrent push of the same client waits here.
   */
  async lockClient(manager: EntityManager, tenantId: string, userId: string, clientId: string): Promise<SyncClient> {
    const lock = () =>
      manager.query<ClientRow[]>(`SELECT tenant_id, user_id, last_mutation_id FROM sync.clients WHERE client_id = $1 FOR UPDATE`, [clientId]);
    let [row] = await lock();
    if (!row) {
      // First use; a concurrent first push inserting the same id makes this one wait for it, then lock its row.
      await manager.query(
        `INSERT INTO sync.clients (client_id, tenant_id, user_id) VALUES ($1, $2, $3) ON CONFLICT (client_id) DO NOTHING`,
        [clientId, tenantId, userId],
      );
      [row] = await lock();
    }
    if (!row) throw new Error(`client ${clientId} vanished while being locked`);
    return toClient(row);
  }

  /** The client, without locking it; undefined before its first push. */
  async findClient(clientId: string): Promise<SyncClient | undefined> {
    const [row] = await this.dataSource.query<ClientRow[]>(
      `SELECT tenant_id, user_id, last_mutation_id FROM sync.clients WHERE client_id = $1`,
      [clientId],
    );
    return row && toClient(row);
  }

  async findResult(
    manager: EntityManager,
    clientId: string,
    mutationId: number,
  ): Promise<{ payloadHash: string; result: StoredMutationResult } | undefined> {
    const [row] = await manager.query<{ payload_hash: string; result: StoredMutationResult }[]>(
      `SELECT payload_hash, result FROM sync.mutation_results WHERE client_id = $1 AND mutation_id = $2`,
      [clientId, mutationId],
    );
    return row && { payloadHash: row.payload_hash, result: row.result };
  }

  /** Stores a mutation's result and advances the client past it, in the caller's transaction (which holds the client's lock). */
  async record(manager: EntityManager, clientId: string, payloadHash: string, result: StoredMutationResult): Promise<void> {
    const recorded = await manager.query<unknown[]>(
      `WITH advanced AS (
         UPDATE sync.clients SET last_mutation_id = $2, updated_at = now()
         WHERE client_id = $1 AND last_mutation_id = $2 - 1
         RETURNING client_id
       )
       INSERT INTO sync.mutation_results (client_id, mutation_id, payload_hash, status, result)
       SELECT client_id, $2, $3, $4, $5::jsonb FROM advanced
       RETURNING mutation_id`,
      [clientId, result.mutationId, payloadHash, result.status, JSON.stringify(result)],
    );
    if (recorded.length !== 1) throw new Error(`client ${clientId} is not at mutation ${result.mutationId - 1}`);
  }
}
