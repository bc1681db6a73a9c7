import { type Static } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { checkInCheckedOutV1, checkInRecordedV1, checkInReviewedV1 } from './checkins/check-in.events';
import {
  customerAssignedV1,
  customerCreatedV1,
  customerDeletedV1,
  customerGradedV1,
  customerUpdatedV1,
} from './customers/customer.events';
import { customerSettingsUpdatedV1 } from './customers/settings.events';
import { territoryCreatedV1, territoryDeletedV1, territoryUpdatedV1 } from './customers/territory.events';
import { type EventDefinition } from './define-event';
import {
  orgUnitCreatedV1,
  orgUnitMovedV1,
  orgUnitUpdatedV1,
  roleCreatedV1,
  roleUpdatedV1,
  userCreatedV1,
  userDeactivatedV1,
  userMovedV1,
  userRolesChangedV1,
  userUpdatedV1,
} from './permissions/permissions.events';
import { type CloudEvent, CloudEventEnvelopeSchema, createCloudEvent, type EventCause, sourceOf } from './envelope';
import { isUuidV7 } from './uuidv7';
import {
  taskCancelledV1,
  taskCompletedV1,
  taskDispatchedV1,
  taskMissedV1,
  taskPlannedV1,
  taskReassignedV1,
  taskRescheduledV1,
  taskReportedV1,
  taskStartedV1,
} from './visits/task.events';
import { reminderTaskOverdueV1, reminderVisitDueV1 } from './visits/reminder.events';
import { visitTemplateCreatedV1, visitTemplateUpdatedV1 } from './visits/visit-template.events';
import { collectIssues, collectUndeclaredProperties, EventValidationError, type ValidationIssue } from './validation';

/** Every event type the platform publishes, one entry per type and version. Add new events here. */
export const eventDefinitions = [
  customerCreatedV1,
  customerUpdatedV1,
  customerGradedV1,
  customerDeletedV1,
  customerAssignedV1,
  customerSettingsUpdatedV1,
  territoryCreatedV1,
  territoryUpdatedV1,
  territoryDeletedV1,
  userCreatedV1,
  userUpdatedV1,
  userMovedV1,
  userRolesChangedV1,
  userDeactivatedV1,
  orgUnitCreatedV1,
  orgUnitUpdatedV1,
  orgUnitMovedV1,
  roleCreatedV1,
  roleUpdatedV1,
  checkInRecordedV1,
  checkInCheckedOutV1,
  checkInReviewedV1,
  visitTemplateCreatedV1,
  visitTemplateUpdatedV1,
  taskPlannedV1,
  taskDispatchedV1,
  taskStartedV1,
  taskCompletedV1,
  taskMissedV1,
  taskCancelledV1,
  taskRescheduledV1,
  taskReassignedV1,
  taskReportedV1,
  reminderTaskOverdueV1,
  reminderVisitDueV1,
] as const;

type RegisteredDefinition = (typeof eventDefinitions)[number];

/** Payload type of every registered event type, derived from the same schemas that validate them. */
export type EventMap = { [D in RegisteredDefinition as D['type']]: Static<D['schema']> };
export type EventType = keyof EventMap;
export type EventData<T extends EventType> = EventMap[T];
/** A CloudEvent of one registered type, with its typed payload. */
export type EventOf<T extends EventType> = CloudEvent<EventData<T>, T>;
/** Any registered event; switching on `type` narrows `data`. */
export type AnyEvent = { [T in EventType]: EventOf<T> }[EventType];
export type EventDefinitionOf<T extends EventType> = Extract<RegisteredDefinition, { type: T }>;

const definitionsByType = new Map<string, EventDefinition>();
for (const definition of eventDefinitions) {
  if (definitionsByType.has(definition.type)) throw new Error(`Event type ${definition.type} is defined twice`);
  definitionsByType.set(definition.type, definition);
}

const envelopeValidator = TypeCompiler.Compile(CloudEventEnvelopeSchema);

/** The definition of a registered event type. */
export function eventDefinition<T extends EventType>(type: T): EventDefinitionOf<T> {
  return definitionsByType.get(type) as EventDefinitionOf<T>;
}

/** The definition of an event type given as a plain string (from the wire), if registered. */
export function findEventDefinition(type: string): EventDefinition | undefined {
  return definitionsByType.get(type);
}

/** True when `type` is a registered event type. */
export function isEventType(type: string): type is EventType {
  return definitionsByType.has(type);
}

/** The registered event types about one aggregate of one service, e.g. every user event of permissions. */
export type AggregateEventType<S extends string, A extends string> = Extract<EventType, `fieldforce.${S}.${A}.${string}`>;

/** Every registered event type of `service`'s `aggregate`, in registration order (a read model often applies them alike). */
export function aggregateEventTypes<S extends string, A extends string>(service: S, aggregate: A): AggregateEventType<S, A>[] {
  return eventDefinitions
    .filter((definition) => definition.service === service && definition.aggregate === aggregate)
    .map((definition) => definition.type as AggregateEventType<S, A>);
}

/** The topic an event type is published on. */
export function topicOf(type: EventType): string {
  return eventDefinition(type).topic;
}

/** The topics of the given event types (all registered ones by default), without duplicates. */
export function topicsOf(types: readonly EventType[] = [...definitionsByType.keys()] as EventType[]): string[] {
  return [...new Set(types.map(topicOf))];
}

export interface EventInput<T extends EventType> extends EventCause {
  /** Id of the aggregate the event is about; also the Kafka record key. */
  subject: string;
  tenantId: string;
  data: EventData<T>;
  /** Only for tests and replays; normally a new UUIDv7. */
  id?: string;
  time?: Date;
}

/** Builds a registered event with its envelope and validates it; throws EventValidationError with the bad paths. */
export function createEvent<T extends EventType>(type: T, input: EventInput<T>): EventOf<T> {
  const definition = eventDefinition(type);
  const event = createCloudEvent({ ...input, service: definition.service, type });
  assertPublishable(event);
  return event;
}

/** Why an outgoing event breaks its contract (envelope, payload, or properties the contract lacks); empty when fine. */
export function publishIssues(event: CloudEvent): ValidationIssue[] {
  const issues = collectIssues(envelopeValidator, event, 'event');
  if (issues.length > 0) return issues;
  const definition = findEventDefinition(event.type);
  if (!definition) return [{ path: 'event.type', message: `Unknown event type ${event.type}` }];
  if (!isUuidV7(event.id)) issues.push({ path: 'event.id', message: 'Expected a UUIDv7' });
  if (event.source !== sourceOf(definition.service)) {
    issues.push({ path: 'event.source', message: `Expected ${sourceOf(definition.service)}` });
  }
  const dataIssues = collectIssues(definition.validator, event.data, 'data');
  issues.push(...(dataIssues.length > 0 ? dataIssues : collectUndeclaredProperties(definition.schema, event.data, 'data')));
  return issues;
}

/** Throws EventValidationError unless the outgoing event matches its contract exactly. */
export function assertPublishable(event: CloudEvent): asserts event is AnyEvent {
  const issues = publishIssues(event);
  if (issues.length > 0) throw new EventValidationError(event.type, issues);
}

/** Thrown when a record value is not a CloudEvent at all (not JSON, or no envelope). */
export class EventParseError extends Error {
  override readonly name = 'EventParseError';
}

/** Thrown when an incoming event has a type this build does not know. */
export class UnknownEventTypeError extends Error {
  override readonly name = 'UnknownEventTypeError';

  constructor(readonly eventType: string) {
    super(`Unknown event type ${eventType}`);
  }
}

/** Parses a record value into a CloudEvent whose envelope is valid; the payload is not checked yet. */
export function parseEnvelope(value: string | Buffer): CloudEvent {
  let parsed: unknown;
  try {
    parsed = JSON.parse(typeof value === 'string' ? value : value.toString('utf8'));
  } catch (error) {
    throw new EventParseError(`Record value is not JSON: ${(error as Error).message}`);
  }
  const issues = collectIssues(envelopeValidator, parsed, 'event');
  if (issues.length > 0) {
    const type = typeof parsed === 'object' && parsed !== null && 'type' in parsed ? String(parsed.type) : 'unknown';
    throw new EventValidationError(type, issues);
  }
  return parsed as CloudEvent;
}

/**
 * Checks an incoming event's payload against its registered schema. Unknown extra properties
 * are accepted (a newer producer may have added optional fields to the same version).
 */
export function assertConsumable(event: CloudEvent): asserts event is AnyEvent {
  const definition = findEventDefinition(event.type);
  if (!definition) throw new UnknownEventTypeError(event.type);
  const issues = collectIssues(definition.validator, event.data, 'data');
  if (issues.length > 0) throw new EventValidationError(event.type, issues);
}
