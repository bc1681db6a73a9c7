import { randomBytes } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import './formats';
import { type ServiceName } from './services';
import { uuidv7 } from './uuidv7';

/** `fieldforce.<service>.<aggregate>.<event>.v<N>`, e.g. `fieldforce.customers.customer.assigned.v1`. */
export type EventTypeName = `fieldforce.${string}.${string}.${string}.v${number}`;

export const EVENT_TYPE_PATTERN = '^fieldforce\\.([a-z][a-z0-9-]*)\\.([a-z][a-z0-9-]*)\\.([a-z][a-z0-9-]*)\\.v([1-9][0-9]*)$';
const SOURCE_PATTERN = '^/fieldforce/[a-z][a-z0-9-]*$';
const TRACEPARENT_PATTERN = '^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$';

/**
 * A CloudEvents 1.0 event in structured JSON mode, the value of every record on Kafka.
 * `tenantid`, `traceparent`, `correlationid` and `causationid` are extension attributes;
 * `correlationid` is shared by every message of one chain (request → event → command → event),
 * `causationid` is the id of the message that directly caused this one (absent for a chain's start).
 */
export interface CloudEvent<TData = unknown, TType extends string = string> {
  specversion: '1.0';
  id: string;
  source: string;
  type: TType;
  subject: string;
  time: string;
  datacontenttype: 'application/json';
  tenantid: string;
  traceparent: string;
  correlationid: string;
  causationid?: string;
  data: TData;
}

/** Schema of the envelope alone (`data` unchecked): what every incoming record must look like. */
export const CloudEventEnvelopeSchema = Type.Object({
  specversion: Type.Literal('1.0'),
  id: Type.String({ format: 'uuid' }),
  source: Type.String({ pattern: SOURCE_PATTERN }),
  type: Type.String({ pattern: EVENT_TYPE_PATTERN }),
  subject: Type.String({ minLength: 1 }),
  time: Type.String({ format: 'date-time' }),
  datacontenttype: Type.Literal('application/json'),
  tenantid: Type.String({ minLength: 1 }),
  traceparent: Type.String({ pattern: TRACEPARENT_PATTERN }),
  correlationid: Type.String({ minLength: 1 }),
  causationid: Type.Optional(Type.String({ minLength: 1 })),
  data: Type.Unknown(),
});

/** Where an event comes from in a chain: carried from the request or event that caused it. */
export interface EventCause {
  /** Id shared by the whole chain; defaults to the new event's own id (it starts a chain). */
  correlationId?: string;
  /** Id of the request or message that caused this event. */
  causationId?: string;
  /** W3C trace context of the cause; a new trace is started when absent. */
  traceparent?: string;
}

export interface CloudEventInput<TData, TType extends string> extends EventCause {
  service: ServiceName;
  type: TType;
  /** Id of the aggregate the event is about (also the Kafka record key). */
  subject: string;
  tenantId: string;
  data: TData;
  /** Only for tests and replays; normally a new UUIDv7. */
  id?: string;
  time?: Date;
}

/** Builds the envelope around `data`; no validation (see `createEvent` in the registry). */
export function createCloudEvent<TData, TType extends string>(input: CloudEventInput<TData, TType>): CloudEvent<TData, TType> {
  const id = input.id ?? uuidv7();
  const event: CloudEvent<TData, TType> = {
    specversion: '1.0',
    id,
    source: sourceOf(input.service),
    type: input.type,
    subject: input.subject,
    time: (input.time ?? new Date()).toISOString(),
    datacontenttype: 'application/json',
    tenantid: input.tenantId,
    traceparent: input.traceparent ?? newTraceparent(),
    correlationid: input.correlationId ?? id,
    data: input.data,
  };
  if (input.causationId !== undefined) event.causationid = input.causationId;
  return event;
}

/** The CloudEvents `source` of a service: `/fieldforce/<service>`. */
export function sourceOf(service: ServiceName): `/fieldforce/${ServiceName}` {
  return `/fieldforce/${service}`;
}

/** The cause to pass on when `event` leads to a new event or command, keeping the chain followable. */
export function causedBy(event: Pick<CloudEvent, 'id' | 'correlationid' | 'traceparent'>): Required<EventCause> {
  return { correlationId: event.correlationid, causationId: event.id, traceparent: event.traceparent };
}

/** A W3C `traceparent` starting a new sampled trace. */
export function newTraceparent(): string {
  return `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`;
}

/** True when the string is a well-formed W3C `traceparent` header value. */
export function isTraceparent(value: string): boolean {
  return new RegExp(TRACEPARENT_PATTERN).test(value) && !/^ff|-0{32}-|-0{16}-/.test(value);
}
