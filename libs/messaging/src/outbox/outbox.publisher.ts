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

/** Content type of a structured-mode CloudEvent on Kafka (CloudEvents Kafka protocol binding). */
export const CLOUDEVENTS_CONTENT_TYPE = 'application/cloudevents+json; charset=UTF-8';

export interface OutboxPublisherOptions {
  service: ServiceName;
  schema: string;
}

/** Writes events to the service's outbox inside the caller's transaction; the relay sends them after commit. */
export class OutboxPublisher {
  private readonly insertSql: string;
  private readonly channel: string;

  constructor(private readonly options: OutboxPublisherOptions) {
    this.insertSql = `
      WITH appended AS (
        INSERT INTO ${quoteSchema(options.schema)}.outbox (event_id, event_type, topic, message_key, lane, payload, headers)
        VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb)
        RETURNING id
      )
      SELECT pg_notify($8, '') FROM appended`;
    this.channel = outboxChannel(options.schema);
  }

  /**
   * Builds and validates the event, then appends it to the outbox in the transaction of `manager`
   * (the NOTIFY that wakes the relay is delivered only if that transaction commits).
   */
  async publish<T extends EventType>(manager: EntityManager, type: T, input: EventInput<T>): Promise<EventOf<T>> {
    if (!manager.queryRunner?.isTransactionActive) {
      throw new Error(`Publishing ${type} needs the EntityManager of an open transaction, so the event commits with its change`);
    }
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
    await manager.query(this.insertSql, [
      event.id,
      event.type,
      definition.topic,
      event.subject,
      laneOf(event.subject),
      JSON.stringify(event),
      JSON.stringify(headers),
      this.channel,
    ]);
    return event;
  }
}
