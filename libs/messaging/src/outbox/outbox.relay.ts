import { activeTracing, type TraceSpan } from '@fieldforce/observability';
import { type Message, type Producer } from 'kafkajs';
import { Client, type Pool } from 'pg';
import { type DataSource, type QueryRunner } from 'typeorm';
import { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { backoffDelay, type BackoffOptions, sleep } from '../backoff';
import { type KafkaClientFactory } from '../kafka-client.factory';
import { type MessagingLogger } from '../logger';
import { startPublishSpan } from '../message-spans';
import { trackOutbox } from '../metrics';
import { fnv1a32, quoteSchema } from '../sql';
import { outboxChannel } from './messaging-tables';

export interface OutboxRelayOptions {
  /** Service name: the metrics label. */
  service: string;
  /** Schema holding the outbox table. */
  schema: string;
  dataSource: DataSource;
  kafka: KafkaClientFactory;
  logger: MessagingLogger;
  /** Most rows sent in one batch (default 500). */
  batchSize?: number;
  /** Most lanes one replica takes per batch, leaving the others to other replicas (default 16). */
  lanesPerBatch?: number;
  /** How often to look for rows when no NOTIFY arrives (default 1 s). */
  pollIntervalMs?: number;
  /** Backoff between attempts after a broker or database error (default 100 ms doubling up to 30 s). */
  retry?: Partial<BackoffOptions>;
  /** How long sent rows are kept before pruning (default 24 h). */
  sentRetentionMs?: number;
  /** How often sent rows are pruned (default 1 min). */
  pruneIntervalMs?: number;
}

/** An outbox row as the relay sends it. */
export interface OutboxRecord {
  id: string;
  eventId: string;
  topic: string;
  key: string;
  payload: unknown;
  headers: Record<string, string>;
}

interface OutboxRow {
  id: string;
  event_id: string;
  topic: string;
  message_key: string;
  payload: unknown;
  headers: Record<string, string>;
}

/**
 * Sends committed outbox rows to Kafka, in order per record key, and marks them sent.
 *
 * Ordering across replicas: each row sits in a lane derived from its key. A replica sends rows
 * of a lane only inside a transaction holding that lane's advisory lock, and reads them (oldest
 * first) after the lock was granted; so rows of one key are never in flight in two replicas and
 * are always sent as a prefix of what is still unsent. A failed batch is rolled back whole and
 * retried from its first row, so a key is never reordered (it may be duplicated; consumers'
 * inboxes absorb that).
 */
export class OutboxRelay {
  private readonly table: string;
  private readonly lockClass: number;
  private readonly batchSize: number;
  private readonly lanesPerBatch: number;
  private readonly pollIntervalMs: number;
  private readonly retry: BackoffOptions;
  private readonly sentRetentionMs: number;
  private readonly pruneIntervalMs: number;
  private producer: Producer | undefined;
  private listener: Client | undefined;
  private running = false;
  private loop: Promise<void> | undefined;
  private stopping = new AbortController();
  private wakeRequested = false;
  private wake: (() => void) | undefined;
  private exclusive: Promise<unknown> = Promise.resolve();
  private untrack: (() => void) | undefined;
  private statsCache: { at: number; value: Promise<{ backlog: number; oldestAgeSeconds: number }> } | undefined;

  constructor(protected readonly options: OutboxRelayOptions) {
    this.table = `${quoteSchema(options.schema)}.outbox`;
    // Advisory locks are database-wide: the class keeps lanes of different schemas apart.
    this.lockClass = fnv1a32(`${options.schema}.outbox`) | 0;
    this.batchSize = options.batchSize ?? 500;
    this.lanesPerBatch = options.lanesPerBatch ?? 16;
    this.pollIntervalMs = options.pollIntervalMs ?? 1_000;
    this.retry = { initialMs: options.retry?.initialMs ?? 100, maxMs: options.retry?.maxMs ?? 30_000 };
    this.sentRetentionMs = options.sentRetentionMs ?? 24 * 60 * 60 * 1_000;
    this.pruneIntervalMs = options.pruneIntervalMs ?? 60_000;
  }

  get service(): string {
    return this.options.service;
  }

  /** Connects the producer, listens for NOTIFY and starts relaying in the background. */
  async start(): Promise<void> {
    if (this.producer) return;
    const producer = this.options.kafka.createProducer();
    await producer.connect();
    this.producer = producer;
    this.running = true;
    this.stopping = new AbortController();
    await this.listen();
    this.untrack = trackOutbox(this);
    this.loop = this.run();
  }

  /**
   * Sends batches until none of the pending rows is left for this replica (rows of lanes other
   * replicas hold are theirs to send) or `timeoutMs` passes; true when the outbox is then empty.
   */
  async flush(timeoutMs = 10_000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    let failures = 0;
    while (Date.now() < deadline) {
      try {
        if ((await this.relayOnce()) > 0) continue;
        return (await this.queryBacklog()).backlog === 0;
      } catch (error) {
        failures += 1;
        this.options.logger.warn({ err: error, attempt: failures }, 'Outbox flush attempt failed');
        await sleep(Math.min(backoffDelay(failures, this.retry), Math.max(0, deadline - Date.now())));
      }
    }
    return false;
  }

  /** Stops relaying after a flush (within `timeoutMs`); rows left over are sent by another replica or the next start. */
  async stop(timeoutMs = 10_000): Promise<void> {
    const producer = this.producer;
    if (!producer) return;
    const deadline = Date.now() + timeoutMs;
    this.running = false;
    this.stopping.abort();
    const drained = await this.flush(timeoutMs);
    if (!drained) {
      const message = 'Outbox relay stopped with rows pending; another replica or the next start sends them';
      this.options.logger.info({ schema: this.options.schema }, message);
    }
    await Promise.race([this.loop, sleep(Math.max(0, deadline - Date.now()))]);
    this.untrack?.();
    this.untrack = undefined;
    const listener = this.listener;
    this.listener = undefined;
    await listener?.end().catch(() => undefined);
    this.producer = undefined;
    await producer.disconnect();
  }

  /** Sends one batch from the lanes this replica can lock; resolves to the number of rows sent. */
  relayOnce(): Promise<number> {
    // One batch at a time per instance: the background loop and flush() take turns.
    const batch = this.exclusive.then(() => this.relayBatch());
    this.exclusive = batch.catch(() => undefined);
    return batch;
  }

  /** Unsent rows and the age of the oldest one, for metrics (cached for a second). */
  backlogStats(): Promise<{ backlog: number; oldestAgeSeconds: number }> {
    const now = Date.now();
    if (!this.statsCache || now - this.statsCache.at > 1_000) {
      this.statsCache = { at: now, value: this.queryBacklog() };
    }
    return this.statsCache.value;
  }

  /** Deletes sent rows older than the retention; resolves to how many were deleted. */
  async pruneSent(): Promise<number> {
    const [, deleted] = await this.options.dataSource.query<[unknown, number]>(
      `DELETE FROM ${this.table} WHERE id IN (
         SELECT id FROM ${this.table} WHERE sent_at < now() - make_interval(secs => $1) LIMIT 10000)`,
      [this.sentRetentionMs / 1_000],
    );
    return deleted;
  }

  /**
   * Called after the broker acknowledged `records` and before they are marked sent, inside the
   * batch's transaction; a subclass may observe (or, in tests, crash at) this point.
   */
  protected async afterPublish(_records: readonly OutboxRecord[]): Promise<void> {}

  private async run(): Promise<void> {
    let failures = 0;
    let lastPrune = 0;
    while (this.running) {
      this.wakeRequested = false;
      let sent: number;
      try {
        sent = await this.relayOnce();
        failures = 0;
      } catch (error) {
        failures += 1;
        const delayMs = backoffDelay(failures, this.retry);
        this.options.logger.warn({ err: error, attempt: failures, delayMs }, 'Outbox batch failed; retrying');
        await sleep(delayMs, this.stopping.signal);
        continue;
      }
      if (Date.now() - lastPrune >= this.pruneIntervalMs) {
        lastPrune = Date.now();
        await this.pruneSent().catch((error: unknown) => this.options.logger.warn({ err: error }, 'Outbox pruning failed'));
      }
      if (sent === 0) await this.idle();
    }
  }

  private idle(): Promise<void> {
    if (this.wakeRequested || !this.running) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, this.pollIntervalMs);
      this.stopping.signal.addEventListener('abort', done, { once: true });
      this.wake = done;
      const signal = this.stopping.signal;
      function done(): void {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      }
    });
  }

  private notified(): void {
    this.wakeRequested = true;
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  // A dedicated connection outside the pool: LISTEN needs a session that stays open.
  private async listen(): Promise<void> {
    if (!this.running) return;
    const driver = this.options.dataSource.driver;
    if (!(driver instanceof PostgresDriver)) throw new Error('The outbox relay needs a PostgreSQL DataSource');
    const pool = driver.master as Pool;
    const client = new Client(pool.options);
    const lost = (error?: Error): void => {
      if (this.listener !== client) return;
      this.listener = undefined;
      client.end().catch(() => undefined);
      if (!this.running) return;
      this.options.logger.warn({ err: error }, 'Outbox LISTEN connection lost; polling until it is back');
      setTimeout(() => void this.listen(), this.pollIntervalMs).unref();
    };
    try {
      await client.connect();
      client.on('notification', () => this.notified());
      client.on('error', lost);
      client.on('end', () => lost());
      await client.query(`LISTEN "${outboxChannel(this.options.schema)}"`);
      this.listener = client;
      // Rows committed while nobody listened are picked up by the next cycle.
      this.notified();
    } catch (error) {
      await client.end().catch(() => undefined);
      if (!this.running) return;
      this.options.logger.warn({ err: error }, 'Could not LISTEN for outbox rows; polling meanwhile');
      setTimeout(() => void this.listen(), this.pollIntervalMs).unref();
    }
  }

  private async relayBatch(): Promise<number> {
    const producer = this.producer;
    if (!producer) throw new Error('The outbox relay is not started');
    const queryRunner = this.options.dataSource.createQueryRunner();
    let records: OutboxRecord[] = [];
    try {
      await queryRunner.connect();
      await queryRunner.startTransaction('READ COMMITTED');
      const lanes = await this.lockLanes(queryRunner);
      if (lanes.length === 0) {
        await queryRunner.commitTransaction();
        return 0;
      }
      // A statement of its own, so its snapshot is taken after the locks were granted and
      // sees every row the lanes' previous holder marked sent before releasing them.
      const rows = (await queryRunner.query(
        `SELECT id, event_id, topic, message_key, payload, headers FROM ${this.table}
          WHERE sent_at IS NULL AND lane = ANY($1::int[]) ORDER BY id LIMIT $2`,
        [lanes, this.batchSize],
      )) as OutboxRow[];
      records = rows.map((row) => ({
        id: row.id,
        eventId: row.event_id,
        topic: row.topic,
        key: row.message_key,
        payload: row.payload,
        headers: row.headers,
      }));
      if (records.length > 0) {
        await this.send(producer, records);
        await this.afterPublish(records);
        await queryRunner.query(`UPDATE ${this.table} SET sent_at = now() WHERE id = ANY($1::bigint[])`, [
          records.map((r) => r.id),
        ]);
      }
      await queryRunner.commitTransaction();
      return records.length;
    } catch (error) {
      if (queryRunner.isTransactionActive) await queryRunner.rollbackTransaction().catch(() => undefined);
      if (records.length > 0) await this.recordFailure(queryRunner, records, error);
      throw error;
    } finally {
      await queryRunner.release();
    }
  }

  // Tries the locks of lanes that have unsent rows, in random order so replicas spread over
  // them; stops after `lanesPerBatch` (LIMIT stops evaluating the WHERE once it has enough).
  private async lockLanes(queryRunner: QueryRunner): Promise<number[]> {
    const candidates = (await queryRunner.query(`SELECT DISTINCT lane FROM ${this.table} WHERE sent_at IS NULL`)) as {
      lane: number;
    }[];
    if (candidates.length === 0) return [];
    const shuffled = shuffle(candidates.map((c) => c.lane));
    const locked = (await queryRunner.query(
      `SELECT lane FROM unnest($1::int[]) AS candidate(lane) WHERE pg_try_advisory_xact_lock($2, lane) LIMIT $3`,
      [shuffled, this.lockClass, this.lanesPerBatch],
    )) as { lane: number }[];
    return locked.map((l) => l.lane);
  }

  private async send(producer: Producer, records: readonly OutboxRecord[]): Promise<void> {
    // While tracing runs, each record gets a publish span, named in its traceparent header.
    const tracing = activeTracing();
    const spans: TraceSpan[] = [];
    const byTopic = new Map<string, Message[]>();
    for (const record of records) {
      const topic = this.options.kafka.topic(record.topic);
      const messages = byTopic.get(topic) ?? [];
      let headers = record.headers;
      if (tracing !== undefined) {
        const publish = startPublishSpan(tracing, topic, record);
        spans.push(publish.span);
        headers = publish.headers;
      }
      messages.push({ key: record.key, value: JSON.stringify(record.payload), headers });
      byTopic.set(topic, messages);
    }
    try {
      await producer.sendBatch({ acks: -1, topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) });
    } catch (error) {
      for (const span of spans) span.fail(error);
      throw error;
    } finally {
      for (const span of spans) span.end();
    }
  }

  private async recordFailure(queryRunner: QueryRunner, records: readonly OutboxRecord[], error: unknown): Promise<void> {
    const message = error instanceof Error ? error.message : String(error);
    await queryRunner
      .query(`UPDATE ${this.table} SET attempts = attempts + 1, last_error = $2 WHERE id = ANY($1::bigint[])`, [
        records.map((r) => r.id),
        message.slice(0, 2_000),
      ])
      .catch((updateError: unknown) => this.options.logger.warn({ err: updateError }, 'Could not record an outbox failure'));
  }

  private async queryBacklog(): Promise<{ backlog: number; oldestAgeSeconds: number }> {
    const [row] = await this.options.dataSource.query<{ backlog: number; age: number }[]>(
      `SELECT count(*)::int AS backlog,
              COALESCE(EXTRACT(EPOCH FROM now() - min(created_at)), 0)::float8 AS age
         FROM ${this.table} WHERE sent_at IS NULL`,
    );
    return { backlog: row?.backlog ?? 0, oldestAgeSeconds: row?.age ?? 0 };
  }
}

function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i -= 1) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
}
