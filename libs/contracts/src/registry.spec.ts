import { Type } from '@sinclair/typebox';
import { customerCreatedV1 } from './customers/customer.events';
import { defineEvent } from './define-event';
import { createCloudEvent } from './envelope';
import {
  aggregateEventTypes,
  assertConsumable,
  createEvent,
  type EventData,
  eventDefinition,
  EventParseError,
  type EventType,
  parseEnvelope,
  topicsOf,
  UnknownEventTypeError,
} from './registry';
import { EventValidationError } from './validation';

const CREATED = 'fieldforce.customers.customer.created.v1';

function validData(): EventData<typeof CREATED> {
  return structuredClone(customerCreatedV1.example);
}

function issuesOf(run: () => unknown): { path: string; message: string }[] {
  try {
    run();
  } catch (error) {
    if (error instanceof EventValidationError) return [...error.issues];
    throw error;
  }
  throw new Error('expected an EventValidationError');
}

function create(data: unknown) {
  const { id, tenantId } = validData().customer;
  return createEvent(CREATED, { subject: id, tenantId, data: data as EventData<typeof CREATED> });
}

describe(createEvent.name, () => {
  it('builds a valid customer.created event on the customer topic', () => {
    const event = create(validData());
    expect(event.source).toBe('/fieldforce/customers');
    expect(event.data.customer.name).toBe('Corner Pharmacy Nord');
    expect(eventDefinition(CREATED).topic).toBe('fieldforce.customers.customer.v1');
  });

  it('rejects a bad payload naming each bad field by path', () => {
    const data = validData();
    data.customer.name = '';
    data.customer.location = { lat: 91, lng: 13 };
    data.customer.contacts = [{ name: 'Mara', email: 'not-an-email' }];
    data.customer.version = 0;
    const issues = issuesOf(() => create(data));
    expect(issues.map((i) => i.path)).toEqual([
      'data.customer.name',
      'data.customer.location.lat',
      'data.customer.contacts[0].email',
      'data.customer.version',
    ]);
    expect(issues.find((i) => i.path === 'data.customer.location.lat')?.message).toMatch(/less or equal to 90/);
  });

  it('rejects a missing required field', () => {
    const { customer, changedFields } = validData();
    const { grade: _grade, ...withoutGrade } = customer;
    const issues = issuesOf(() => create({ customer: withoutGrade, changedFields }));
    expect(issues).toEqual([{ path: 'data.customer.grade', message: 'Expected required property' }]);
  });

  it('rejects properties the contract does not declare, so nothing unintended leaks out', () => {
    const data = { ...validData(), customer: { ...validData().customer, passwordHash: 'x' } };
    expect(issuesOf(() => create(data))).toEqual([
      { path: 'data.customer.passwordHash', message: 'Unexpected property (not in the contract)' },
    ]);
  });

  it('rejects an envelope without a subject', () => {
    const issues = issuesOf(() => createEvent(CREATED, { subject: '', tenantId: 't', data: validData() }));
    expect(issues.map((i) => i.path)).toContain('event.subject');
  });

  it('type-checks the payload against the event type', () => {
    // The directives below fail `tsc` if the registry stops rejecting these payloads.
    const check = (): void => {
      // @ts-expect-error a customer.created payload needs changedFields
      createEvent(CREATED, { subject: 's', tenantId: 't', data: { customer: validData().customer } });
      // @ts-expect-error unknown event types are not publishable
      createEvent('fieldforce.customers.customer.exploded.v1', { subject: 's', tenantId: 't', data: {} });
    };
    expect(check).toBeInstanceOf(Function);
    const type: EventType = CREATED;
    expect(type).toBe(CREATED);
  });
});

describe(parseEnvelope.name, () => {
  it('returns the event of a valid record value', () => {
    const event = create(validData());
    expect(parseEnvelope(Buffer.from(JSON.stringify(event)))).toEqual(event);
  });

  it('throws EventParseError for a value that is not JSON', () => {
    expect(() => parseEnvelope('{not json')).toThrow(EventParseError);
  });

  it('throws EventValidationError naming the missing envelope attributes', () => {
    const { tenantid: _tenant, ...event } = create(validData());
    expect(issuesOf(() => parseEnvelope(JSON.stringify(event))).map((i) => i.path)).toEqual(['event.tenantid']);
  });
});

describe(assertConsumable.name, () => {
  it('accepts properties added by a newer producer of the same version', () => {
    const event = createCloudEvent({
      service: 'customers',
      type: CREATED,
      subject: 's',
      tenantId: 't',
      data: { ...validData(), customer: { ...validData().customer, loyaltyTier: 'gold' } },
    });
    expect(() => assertConsumable(event)).not.toThrow();
  });

  it('rejects an invalid payload with paths, and unknown event types', () => {
    const data = { changedFields: [] };
    const event = createCloudEvent({ service: 'customers', type: CREATED, subject: 's', tenantId: 't', data });
    expect(issuesOf(() => assertConsumable(event)).map((i) => i.path)).toEqual(['data.customer']);
    const unknown = { ...event, type: 'fieldforce.customers.customer.exploded.v1' };
    expect(() => assertConsumable(unknown)).toThrow(UnknownEventTypeError);
  });
});

describe(defineEvent.name, () => {
  const schema = Type.Object({ n: Type.Integer() });
  const define = (type: `fieldforce.${string}.${string}.${string}.v${number}`, topic: string, aggregate: string, n = 1) =>
    defineEvent({ type, topic, aggregate, description: 'test', schema, example: { n } });

  it('refuses a type that does not follow the naming scheme or names another aggregate or topic', () => {
    const topic = 'fieldforce.customers.customer.v1';
    expect(() => define('fieldforce.customers.customer.created.v0', topic, 'customer')).toThrow(/does not follow/);
    expect(() => define('fieldforce.customers.customer.created.v2', topic, 'territory')).toThrow(/aggregate customer/);
    const otherServiceTopic = 'fieldforce.visits.task.v1';
    expect(() => define('fieldforce.customers.customer.created.v2', otherServiceTopic, 'customer')).toThrow(/topic of service/);
  });

  it('refuses an example that does not match its own schema', () => {
    const notAnInteger = 1.5;
    const defineWithBadExample = () =>
      define('fieldforce.visits.task.created.v1', 'fieldforce.visits.task.v1', 'task', notAnInteger);
    expect(defineWithBadExample).toThrow(EventValidationError);
  });
});

describe(topicsOf.name, () => {
  it('lists each registered topic once', () => {
    expect(topicsOf()).toEqual([
      'fieldforce.customers.customer.v1',
      'fieldforce.customers.settings.v1',
      'fieldforce.customers.territory.v1',
      'fieldforce.permissions.user.v1',
      'fieldforce.permissions.org-unit.v1',
      'fieldforce.permissions.role.v1',
      'fieldforce.checkins.check-in.v1',
      'fieldforce.visits.visit-template.v1',
      'fieldforce.visits.task.v1',
      'fieldforce.visits.reminder.v1',
    ]);
  });
});

describe(aggregateEventTypes.name, () => {
  it('lists every registered event of one aggregate, and none of an aggregate whose name starts the same', () => {
    expect(aggregateEventTypes('permissions', 'user')).toEqual([
      'fieldforce.permissions.user.created.v1',
      'fieldforce.permissions.user.updated.v1',
      'fieldforce.permissions.user.moved.v1',
      'fieldforce.permissions.user.roles-changed.v1',
      'fieldforce.permissions.user.deactivated.v1',
    ]);
    expect(aggregateEventTypes('permissions', 'org-unit')).toEqual([
      'fieldforce.permissions.org-unit.created.v1',
      'fieldforce.permissions.org-unit.updated.v1',
      'fieldforce.permissions.org-unit.moved.v1',
    ]);
    expect(aggregateEventTypes('permissions', 'use')).toEqual([]);
  });
});
