import { type CloudEvent } from '@fieldforce/contracts';
import { TRACEPARENT_HEADER, TraceContext, type TraceSpan, type Tracing, parseTraceparent } from '@fieldforce/observability';
import { type IHeaders } from 'kafkajs';

// OpenTelemetry messaging semantic conventions (still incubating upstream, hence spelled out here).
const SYSTEM = { 'messaging.system': 'kafka' } as const;

/** The span of one Kafka record the relay sends, and the record's headers carrying it. */
export interface PublishSpan {
  span: TraceSpan;
  headers: Record<string, string>;
}

/**
 * Starts the publish span of an outbox row, as a child of the span that wrote the row (the
 * row's `traceparent`); the record's `traceparent` header names the publish span, so consumers
 * continue under it. The event's own `traceparent` (in the envelope) stays that of its creation.
 */
export function startPublishSpan(
  tracing: Tracing,
  topic: string,
  record: { eventId: string; key: string; headers: Record<string, string> },
): PublishSpan {
  const context = TraceContext.continueFrom(record.headers[TRACEPARENT_HEADER]);
  const span = tracing.startSpan(context, `send ${topic}`, {
    kind: 'producer',
    attributes: {
      ...SYSTEM,
      'messaging.operation.type': 'send',
      'messaging.operation.name': 'send',
      'messaging.destination.name': topic,
      'messaging.message.id': record.eventId,
      'messaging.kafka.message.key': record.key,
    },
  });
  return { span, headers: { ...record.headers, [TRACEPARENT_HEADER]: context.traceparent } };
}

/** The record's `traceparent` header when it is a valid one. */
export function recordTraceparent(headers: IHeaders | undefined): string | undefined {
  const value = headers?.[TRACEPARENT_HEADER];
  const text = Buffer.isBuffer(value) ? value.toString() : typeof value === 'string' ? value : undefined;
  return parseTraceparent(text) === undefined ? undefined : text;
}

/** Starts the processing span of a consumed event, for `context` (a child of the record's span). */
export function startProcessSpan(
  tracing: Tracing,
  context: TraceContext,
  record: { topic: string; partition: number; offset: string; groupId: string; event: CloudEvent },
): TraceSpan {
  return tracing.startSpan(context, `process ${record.topic}`, {
    kind: 'consumer',
    attributes: {
      ...SYSTEM,
      'messaging.operation.type': 'process',
      'messaging.operation.name': 'process',
      'messaging.destination.name': record.topic,
      'messaging.destination.partition.id': String(record.partition),
      'messaging.kafka.offset': Number(record.offset),
      'messaging.consumer.group.name': record.groupId,
      'messaging.message.id': record.event.id,
      'cloudevents.event_type': record.event.type,
    },
  });
}
