import { eventDefinition, eventDefinitions, type EventType, topicOf } from '@fieldforce/contracts';
import { FEED_ENTITIES, feedEntityKind, type FeedRecord } from './feed-entities';

function extract(type: string, data: unknown): FeedRecord {
  const kind = FEED_ENTITIES.find((candidate) => type in candidate.extractors)!;
  const extractor = kind.extractors[type as EventType] as (data: unknown) => FeedRecord;
  return extractor(data);
}

describe('FEED_ENTITIES', () => {
  const extractors = FEED_ENTITIES.flatMap((kind) => Object.keys(kind.extractors).map((type) => [kind.entity, type] as const));

  it.each(extractors)('reads a %s out of the example of %s: id, tenant, version and the full state as data', (_entity, type) => {
    const example = structuredClone(eventDefinition(type as EventType).example) as Record<string, { id: string; tenantId: string; version: number }>;
    const state = Object.values(example).find((value) => typeof value === 'object' && value !== null && 'version' in value)!;
    const record = extract(type, example);
    expect(record).toMatchObject({ id: state.id, tenantId: state.tenantId, version: state.version, data: state });
  });

  it('takes owner and org path from the field that decides each kind’s visibility', () => {
    const customer = extract('fieldforce.customers.customer.assigned.v1', eventDefinition('fieldforce.customers.customer.assigned.v1').example);
    expect(customer).toMatchObject({ ownerId: '0190d6a1-2222-7222-8222-222222222222', orgPath: 'emea.de.hamburg', deleted: false });
    const checkIn = extract('fieldforce.checkins.check-in.recorded.v1', eventDefinition('fieldforce.checkins.check-in.recorded.v1').example);
    expect(checkIn.ownerId).toBe(eventDefinition('fieldforce.checkins.check-in.recorded.v1').example.checkIn.userId);
    const task = extract('fieldforce.visits.task.reassigned.v1', eventDefinition('fieldforce.visits.task.reassigned.v1').example);
    expect(task.ownerId).toBe(eventDefinition('fieldforce.visits.task.reassigned.v1').example.task.assigneeId);
    const reminder = extract('fieldforce.visits.reminder.visit-due.v1', eventDefinition('fieldforce.visits.reminder.visit-due.v1').example);
    expect(reminder.ownerId).toBe(eventDefinition('fieldforce.visits.reminder.visit-due.v1').example.reminder.recipientId);
  });

  it('turns a deleted customer into a tombstone', () => {
    expect(extract('fieldforce.customers.customer.deleted.v1', eventDefinition('fieldforce.customers.customer.deleted.v1').example).deleted).toBe(true);
  });

  it('reads every event type published on the topics of its kinds, so a new one cannot be missed silently', () => {
    for (const kind of FEED_ENTITIES) {
      const topics = new Set(Object.keys(kind.extractors).map((type) => topicOf(type as EventType)));
      const published = eventDefinitions.filter((definition) => topics.has(definition.topic)).map((definition) => definition.type);
      expect(Object.keys(kind.extractors).sort()).toEqual([...published].sort());
    }
  });

  it('names each kind once and finds it by name', () => {
    const names = FEED_ENTITIES.map((kind) => kind.entity);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(feedEntityKind(name)?.entity).toBe(name);
    expect(feedEntityKind('invoice')).toBeUndefined();
  });
});
