import {
  assertConsumable,
  dlqTopic,
  EventParseError,
  EventValidationError,
  type EventOf,
  type EventType,
  parseEnvelope,
  topicsOf,
} from '@fieldforce/contracts';
import { activeTracing, TraceContext, type TraceSpan } from '@fieldforce/observability';
import { type Consumer, type EachBatchPayload, type IHeaders, type KafkaMessage, type Producer } from 'kafkajs';
import { type DataSource, type EntityManager } from 'typeorm';
import { backoffDelay, type BackoffOptions, sleep } from '../backoff';
import { type KafkaClientFactory } from '../kafka-client.factory';
import { type MessagingLogger } from '../logger';
import { recordTraceparent, startProcessSpan } from '../message-spans';
import { consumerLagGauge } from '../metrics';
import { quoteSchema } from '../sql';
import { DEAD_LETTER_HEADERS } from './dead-letter-headers';

/** Applies one event's effect using `manager`, whose transaction also records the event as processed. */
export type EventHandler<T extends EventType> = (event: EventOf<T>, manager: EntityManager) => Promise<void>;

/** Handlers by event type; events of other types on the subscribed topics are skipped. */
export type EventHandlers = { [T in EventType]?: EventHandler<T> };

/** The same handler for each of `types`: events a consumer applies alike (every user event carries the whole user). */
export function sameHandlerFor<T extends EventType>(types: readonly T[], handler: EventHandler<T>): EventHandlers {
  return Object.fromEntries(types.map((type) => [type, handler]));
}

export interface EventConsumerOptions {
  /** Service name: the metrics label. */
  service: string;
  /** Kafka consumer group; also the inbox's dedupe scope. */
  groupId: string;
  /** Schema holding the inbox table. */
  schema: string;
  dataSource: DataSource;
  kafka: KafkaClientFactory;
  logger: MessagingLogger;
  handlers: EventHandlers;
  /** Attempts of a failing handler before its event goes to the dead-letter topic (default 5). */
  maxAttempts?: number;
  /** Backoff between attempts (default 200 ms doubling up to 10 s). */
  retry?: Partial<BackoffOptions>;
  /** Where a new group starts: the topic's beginning (default, read models need the history) or its end. */
  fromBeginning?: boolean;
  /** How long processed event ids are kept for dedupe (default 7 days). */
  inboxRetentionMs?: number;
  /** How often old inbox rows are pruned (default 1 h). */
  pruneIntervalMs?: number;
  sessionTimeoutMs?: number;
  heartbeatIntervalMs?: number;
  /** Longest a fetch waits for new records (default 1 s); stopping waits for the fetch in flight. */
  maxWaitTimeMs?: number;
  /**
   * Most events of a fetched batch applied in one transaction (default 100; 1 commits each on
   * its own): a backlog costs a commit per chunk instead of one per event.
   */
  eventsPerTransaction?: number;
}

/** The settings of a consumer beyond its wiring: attempts, backoff, timeouts. */
export type ConsumerTuning = Omit<
  EventConsumerOptions,
  'service' | 'groupId' | 'schema' | 'dataSource' | 'kafka' | 'logger' | 'handlers'
>;

/** What became of one record. */
type Outcome = 'processed' | 'duplicate' | 'skipped' | 'dead-lettered' | 'interrupted';

/** Errors that no retry can fix: the record goes to the dead-letter topic at once. */
function isPermanent(error: unknown): boolean {
  return error instanceof EventParseError || error instanceof EventValidationError;
}

/** Marks an error thrown by a handler, as opposed to one around it. */
class HandlerFailure extends Error {
  constructor(override readonly cause: unknown) {
    super('Event handler failed');
  }
}

/** A parsed and checked record with a handler: the event, and the trace context its handler runs in. */
interface PreparedEvent {
  message: KafkaMessage;
  event: EventOf<EventType>;
  handler: EventHandler<EventType>;
  context: TraceContext;
}

/**
 * How far a chunk got: its first `committed` events took effect together. `failedAt` (relative
 * to the chunk, with `committed` 0) is the event whose failure rolled the chunk back.
 */
interface ChunkResult {
  committed: number;
  failedAt?: number;
  failure?: { error: unknown };
}

/**
 * A Kafka consumer group whose handlers run exactly once per event id: each handler runs in a
 * database transaction that also inserts the event id into the inbox, and is skipped when the id
 * is already there. A record that cannot be parsed or validated, or whose handler still fails
 * after the configured attempts, is produced to `<topic>.dlq` with the error in its headers and
 * committed, so the partition moves on.
 */
export class EventConsumer {
  private readonly inbox: string;
  private readonly maxAttempts: number;
  private readonly eventsPerTransaction: number;
  private readonly retry: BackoffOptions;
  private consumer: Consumer | undefined;
  private producer: Producer | undefined;
  private stopping = new AbortController();
  private pruneTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: EventConsumerOptions) {
    this.inbox = `${quoteSchema(options.schema)}.inbox`;
    this.maxAttempts = options.maxAttempts ?? 5;
    this.eventsPerTransaction = options.eventsPerTransaction ?? 100;
    this.retry = { initialMs: options.retry?.initialMs ?? 200, maxMs: options.retry?.maxMs ?? 10_000 };
  }

  get groupId(): string {
    return this.options.groupId;
  }

  /** The topics (as named on the wire) carrying the handled event types. */
  topics(): string[] {
    return topicsOf(Object.keys(this.options.handlers) as EventType[]).map((t) => this.options.kafka.topic(t));
  }

  /** Joins the group and starts consuming in the background. */
  async start(): Promise<void> {
    if (this.consumer) return;
    this.stopping = new AbortController();
    const producer = this.options.kafka.createProducer();
    await producer.connect();
    const consumer = this.options.kafka.createConsumer(this.options.groupId, {
      sessionTimeout: this.options.sessionTimeoutMs,
      heartbeatInterval: this.options.heartbeatIntervalMs,
      maxWaitTimeInMs: this.options.maxWaitTimeMs ?? 1_000,
    });
    await consumer.connect();
    await consumer.subscribe({ topics: this.topics(), fromBeginning: this.options.fromBeginning ?? true });
    this.producer = producer;
    this.consumer = consumer;
    await consumer.run({ eachBatchAutoResolve: false, eachBatch: (payload) => this.consumeBatch(payload) });
    const pruneInterval = this.options.pruneIntervalMs ?? 60 * 60 * 1_000;
    this.pruneTimer = setInterval(() => void this.pruneInbox(), pruneInterval).unref();
  }

  /** Leaves the group after the record in progress (its retries are cut short and it is redelivered later). */
  async stop(): Promise<void> {
    const { consumer, producer } = this;
    if (!consumer || !producer) return;
    this.stopping.abort();
    clearInterval(this.pruneTimer);
    // The producer outlives the consumer: the record in progress may still need the dead-letter topic.
    await consumer.disconnect();
    await producer.disconnect();
    this.consumer = undefined;
    this.producer = undefined;
  }

  /** Deletes inbox rows of this group older than the retention; resolves to how many were deleted. */
  async pruneInbox(): Promise<number> {
    const retentionMs = this.options.inboxRetentionMs ?? 7 * 24 * 60 * 60 * 1_000;
    try {
      const [, deleted] = await this.options.dataSource.query<[unknown, number]>(
        `DELETE FROM ${this.inbox} WHERE consumer_group = $1 AND processed_at < now() - make_interval(secs => $2)`,
        [this.options.groupId, retentionMs / 1_000],
      );
      return deleted;
    } catch (error) {
      this.options.logger.warn({ err: error, group: this.options.groupId }, 'Inbox pruning failed');
      return 0;
    }
  }

  private async consumeBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const { messages, topic, partition } = batch;
    const lag = consumerLagGauge();
    const labels = { service: this.options.service, group: this.options.groupId, topic, partition: String(partition) };
    const heartbeat = () => payload.heartbeat();
    const running = () => payload.isRunning() && !payload.isStale() && !this.stopping.signal.aborted;
    const settle = (message: KafkaMessage) => {
      payload.resolveOffset(message.offset);
      lag.set(labels, Number(BigInt(batch.highWatermark) - BigInt(message.offset) - 1n));
    };
    // An event that failed in a chunk: the events before it are applied together again, then it alone.
    let failedAhead: { index: number; failure?: { error: unknown } } | undefined;
    let index = 0;
    while (index < messages.length && running()) {
      const end = Math.min(index + this.eventsPerTransaction, failedAhead?.index ?? messages.length);
      if (end - index > 1) {
        const chunk = messages.slice(index, end);
        const result = await this.consumeTogether(topic, partition, chunk);
        chunk.slice(0, result.committed).forEach(settle);
        index += result.committed;
        await heartbeat();
        if (result.failedAt !== undefined) failedAhead = { index: index + result.failedAt, failure: result.failure };
        if (result.failedAt !== undefined || result.committed === chunk.length) continue;
      }
      // One event on its own, with its retries and dead letter.
      let failure: { error: unknown } | undefined;
      if (failedAhead?.index === index) {
        failure = failedAhead.failure;
        failedAhead = undefined;
      }
      const message = messages[index]!;
      const outcome = await this.consume(topic, partition, message, heartbeat, failure);
      if (outcome === 'interrupted') return;
      settle(message);
      index += 1;
      if (outcome === 'dead-lettered') {
        // Committed now, so a restart does not dead-letter the same record twice.
        const next = (BigInt(message.offset) + 1n).toString();
        await payload.commitOffsetsIfNecessary({ topics: [{ topic, partitions: [{ partition, offset: next }] }] });
      }
      await heartbeat();
    }
  }

  /**
   * Applies the events of `chunk` in order in one transaction, with one inbox insert for all of
   * them. A record that cannot be parsed or checked ends the chunk before it; a failing handler
   * rolls the whole chunk back (the caller applies the events before it again, then it alone).
   */
  private async consumeTogether(topic: string, partition: number, chunk: readonly KafkaMessage[]): Promise<ChunkResult> {
    // Each with its index in the chunk, which a failure reports.
    const prepared: { at: number; event: PreparedEvent }[] = [];
    let committed = 0;
    for (const message of chunk) {
      try {
        const event = this.prepare(message);
        if (event) prepared.push({ at: committed, event });
      } catch {
        break;
      }
      committed += 1;
    }
    if (prepared.length === 0) return { committed };
    const spans: { span: TraceSpan | undefined; outcome: Outcome }[] = [];
    let failedAt: number | undefined;
    try {
      await this.options.dataSource.transaction(async (manager) => {
        const recorded = await this.recordInInbox(prepared.map(({ event }) => event), topic, partition, manager);
        for (const { at, event: each } of prepared) {
          // A record delivered twice in one chunk is recorded once, and applied at its first copy.
          const first = recorded.delete(each.event.id.toLowerCase());
          const span = this.startSpan(each, topic, partition);
          spans.push({ span, outcome: first ? 'processed' : 'duplicate' });
          if (!first) continue;
          try {
            await this.apply(each, manager);
          } catch (error) {
            failedAt = at;
            throw error;
          }
        }
      });
    } catch (error) {
      // The failing event's span has its error; the others of a handler failure were only rolled back with it.
      const cause = error instanceof HandlerFailure ? error.cause : error;
      const rolledBack = new Error('Rolled back with its chunk');
      spans.forEach(({ span }, i) => {
        span?.fail(failedAt === undefined || i === spans.length - 1 ? cause : rolledBack);
        span?.end();
      });
      if (failedAt !== undefined) return { committed: 0, failedAt, failure: { error } };
      // The inbox insert, the commit or the database failed: nothing took effect, and the
      // chunk's first event, alone, is retried as any event whose transaction failed.
      const context = { err: error, topic, partition, group: this.options.groupId };
      this.options.logger.warn(context, 'Event chunk failed; retrying its first event alone');
      return { committed: 0 };
    }
    for (const { span, outcome } of spans) {
      span?.setAttribute('fieldforce.consumer.outcome', outcome);
      span?.end();
    }
    return { committed };
  }

  /**
   * Processes one event until it takes effect or is dead-lettered. `failed` is an attempt that
   * already failed in a chunk: it counts, and the next waits its backoff.
   */
  private async consume(
    topic: string,
    partition: number,
    message: KafkaMessage,
    heartbeat: () => Promise<void>,
    failed?: { error: unknown },
  ): Promise<Outcome> {
    let handlerAttempts = 0;
    let failure = failed;
    for (let attempt = 1; ; attempt += 1) {
      if (!failure) {
        try {
          return await this.process(topic, partition, message);
        } catch (error) {
          failure = { error };
        }
      }
      const thrown = failure.error;
      failure = undefined;
      const error = thrown instanceof HandlerFailure ? thrown.cause : thrown;
      if (thrown instanceof HandlerFailure) handlerAttempts += 1;
      const context = { err: error, topic, partition, offset: message.offset, attempt, group: this.options.groupId };
      if (isPermanent(error) || handlerAttempts >= this.maxAttempts) {
        this.options.logger.error(context, 'Event cannot be processed; sending it to the dead-letter topic');
        await this.deadLetter(topic, partition, message, error, Math.max(1, handlerAttempts));
        return 'dead-lettered';
      }
      // Failures outside the handler (database unreachable, commit failed) say nothing about the
      // event: they are retried until they pass, never dead-lettered.
      const delayMs = backoffDelay(attempt, this.retry);
      this.options.logger.warn({ ...context, delayMs }, 'Event processing failed; retrying');
      await this.pause(delayMs, heartbeat);
      if (this.stopping.signal.aborted) return 'interrupted';
    }
  }

  /** One event in a transaction of its own. */
  private async process(topic: string, partition: number, message: KafkaMessage): Promise<Outcome> {
    const prepared = this.prepare(message);
    if (!prepared) return 'skipped';
    const span = this.startSpan(prepared, topic, partition);
    try {
      const outcome = await this.options.dataSource.transaction(async (manager): Promise<Outcome> => {
        const recorded = await this.recordInInbox([prepared], topic, partition, manager);
        if (recorded.size === 0) return 'duplicate';
        await this.apply(prepared, manager);
        return 'processed';
      });
      span?.setAttribute('fieldforce.consumer.outcome', outcome);
      return outcome;
    } catch (error) {
      span?.fail(error instanceof HandlerFailure ? error.cause : error);
      throw error;
    } finally {
      span?.end();
    }
  }

  /** Parses and checks a record; undefined when no handler takes its type. */
  private prepare(message: KafkaMessage): PreparedEvent | undefined {
    if (!message.value) throw new EventParseError('Record has no value');
    const event = parseEnvelope(message.value);
    // EventHandlers types each handler by its event type; looked up by the runtime type string,
    // that correlation is lost, and assertConsumable below vouches for the event instead.
    const handlers = this.options.handlers as Partial<Record<string, EventHandler<EventType>>>;
    const handler = handlers[event.type];
    if (!handler) return undefined;
    assertConsumable(event);
    // While tracing runs, the processing span is a child of the record's (the relay's publish
    // span); otherwise the handler continues the trace the event was created in, as always.
    const parent = activeTracing() === undefined ? event.traceparent : (recordTraceparent(message.headers) ?? event.traceparent);
    // Events the handler publishes continue this event's trace and chain.
    const context = TraceContext.continueFrom(parent).causedBy(event.correlationid, event.id);
    return { message, event, handler, context };
  }

  private startSpan({ message, event, context }: PreparedEvent, topic: string, partition: number): TraceSpan | undefined {
    const tracing = activeTracing();
    const { groupId } = this.options;
    return tracing && startProcessSpan(tracing, context, { topic, partition, offset: message.offset, groupId, event });
  }

  /** Inserts the events' ids into the inbox in one statement; resolves to the ids (lower case) not there before. */
  private async recordInInbox(
    events: readonly PreparedEvent[],
    topic: string,
    partition: number,
    manager: EntityManager,
  ): Promise<Set<string>> {
    const recorded = await manager.query<{ event_id: string }[]>(
      `INSERT INTO ${this.inbox} (consumer_group, event_id, event_type, topic, partition, "offset")
       SELECT $1, event_id, event_type, $2, $3, "offset" FROM unnest($4::uuid[], $5::text[], $6::bigint[]) AS e (event_id, event_type, "offset")
       ON CONFLICT DO NOTHING RETURNING event_id`,
      [
        this.options.groupId,
        topic,
        partition,
        events.map((e) => e.event.id),
        events.map((e) => e.event.type),
        events.map((e) => e.message.offset),
      ],
    );
    return new Set(recorded.map((r) => r.event_id));
  }

  private async apply({ event, handler, context }: PreparedEvent, manager: EntityManager): Promise<void> {
    try {
      await TraceContext.run(context, () => handler(event, manager));
    } catch (error) {
      throw new HandlerFailure(error);
    }
  }

  private async deadLetter(
    topic: string,
    partition: number,
    message: KafkaMessage,
    error: unknown,
    attempts: number,
  ): Promise<void> {
    const producer = this.producer;
    if (!producer) throw new Error('The event consumer is not started');
    const headers: IHeaders = {
      ...message.headers,
      [DEAD_LETTER_HEADERS.error]: (error instanceof Error ? error.message : String(error)).slice(0, 4_000),
      [DEAD_LETTER_HEADERS.errorType]: error instanceof Error ? error.name : typeof error,
      [DEAD_LETTER_HEADERS.originalTopic]: topic,
      [DEAD_LETTER_HEADERS.originalPartition]: String(partition),
      [DEAD_LETTER_HEADERS.originalOffset]: message.offset,
      [DEAD_LETTER_HEADERS.attempts]: String(attempts),
      [DEAD_LETTER_HEADERS.consumerGroup]: this.options.groupId,
    };
    await producer.send({ topic: dlqTopic(topic), acks: -1, messages: [{ key: message.key, value: message.value, headers }] });
  }

  // Waits between attempts while keeping the group membership alive.
  private async pause(delayMs: number, heartbeat: () => Promise<void>): Promise<void> {
    const until = Date.now() + delayMs;
    while (Date.now() < until && !this.stopping.signal.aborted) {
      await sleep(Math.min(1_000, until - Date.now()), this.stopping.signal);
      await heartbeat();
    }
  }
}
