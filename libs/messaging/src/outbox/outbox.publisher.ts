import {
  createEvent,
  eventDefinition,
  type EventInput,
  type EventOf,
  type EventType,
  type ServiceName,
} from '@fieldforce/contracts';
import { TraceContext } from '@fieldforce/observability';
import { type EntityManager } from 'typeorm';
import { quoteSchema } from '../sql';
import { laneOf, outboxChannel } from './messaging-tables';

/** One event of a batch for `publishAll`: its type and what `publish` takes for it. */
export type OutboxEventInput = { [T in EventType]: { type: T } & EventInput<T> }[EventType];

// Rows per INSERT of `publishAll`: bounds the size of one statement's parameters.
const BATCH_ROWS = 1_000;

/** Content type of a structured-mode CloudEvent on Kafka (CloudEvents Kafka protocol binding). */
export const CLOUDEVENTS_CONTENT_TYPE = 'application/cloudevents+json; charset=UTF-8';

export interface OutboxPublisherOptions {
  service: ServiceName;
  schema: string;
}

/** Writes events to the service's outbox inside the caller's transaction; the relay sends them after commit. */
export class OutboxPublisher {
  private readonly insertSql: string;
  private readonly insertBatchSql: string;
  private readonly channel: string;

  constructor(private readonly options: OutboxPublisherOptions) {
    this.insertSql = `
      WITH appended AS (
        INSERT INTO ${quoteSchema(options.schema)}.outbox (event_id, event_type, topic, message_key, lane, payload, headers)
        VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb)
        RETURNING id
      )
      SELECT pg_notify($8, '') FROM appended`;
    // unnest keeps the array order, so the events of one key get ids (relay order) in batch order.
    this.insertBatchSql = `
      WITH appended AS (
        INSERT INTO ${quoteSchema(options.schema)}.outbox (event_id, event_type, topic, message_key, lane, payload, headers)
        SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::smallint[], $6::jsonb[], $7::jsonb[])
        RETURNING id
      )
      SELECT pg_notify($8, '') FROM (SELECT 1 FROM appended LIMIT 1) AS any_appended`;
    this.channel = outboxChannel(options.schema);
  }

  /**
   * Builds and validates the event, then appends it to the outbox in the transaction of `manager`
   * (the NOTIFY that wakes the relay is delivered only if that transaction commits).
   */
  async publish<T extends EventType>(manager: EntityManager, type: T, input: EventInput<T>): Promise<EventOf<T>> {
    assertInTransaction(manager, type);
    const { event, row } = this.build(type, input);
    await manager.query(this.insertSql, [...row, this.channel]);
    return event;
  }

  /**
   * Like `publish` for many events at once (bulk writes): one INSERT per thousand events instead
   * of one per event; the events of one subject keep their order in `inputs`.
   */
  async publishAll(manager: EntityManager, inputs: readonly OutboxEventInput[]): Promise<EventOf<EventType>[]> {
    if (inputs.length === 0) return [];
    assertInTransaction(manager, inputs[0]!.type);
    const built = inputs.map(({ type, ...input }) => this.build(type, input as EventInput<typeof type>));
    for (let start = 0; start < built.length; start += BATCH_ROWS) {
      const rows = built.slice(start, start + BATCH_ROWS).map(({ row }) => row);
      const columns = rows[0]!.map((_, column) => rows.map((row) => row[column]));
      await manager.query(this.insertBatchSql, [...columns, this.channel]);
    }
    return built.map(({ event }) => event);
  }

  // The validated event and its outbox row (without the channel).
  private build<T extends EventType>(type: T, input: EventInput<T>): { event: EventOf<T>; row: (string | number)[] } {
    const definition = eventDefinition(type);
    if (definition.service !== this.options.service) {
      throw new Error(`Service ${this.options.service} cannot publish ${type}, an event of ${definition.service}`);
    }
    // The current request or consumed event is this event's cause, unless the caller names another.
    const context = TraceContext.current();
    const event = createEvent(type, {
      ...input,
      traceparent: input.traceparent ?? context?.traceparent,
      correlationId: input.correlationId ?? context?.correlationId,
      causationId: input.causationId ?? context?.causationId,
    });
    const headers = { 'content-type': CLOUDEVENTS_CONTENT_TYPE, traceparent: event.traceparent };
    return {
      event,
      row: [event.id, event.type, definition.topic, event.subject, laneOf(event.subject), JSON.stringify(event), JSON.stringify(headers)],
    };
  }
}

function assertInTransaction(manager: EntityManager, type: EventType): void {
  if (!manager.queryRunner?.isTransactionActive) {
    throw new Error(`Publishing ${type} needs the EntityManager of an open transaction, so the event commits with its change`);
  }
}
