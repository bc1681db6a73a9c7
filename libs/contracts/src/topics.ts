import type { ServiceName } from './services';

/** Name of an aggregate's event stream, e.g. `fieldforce.visits.task.v1`. */
export function aggregateTopic<S extends ServiceName, A extends string>(service: S, aggregate: A): `fieldforce.${S}.${A}.v1` {
  return `fieldforce.${service}.${aggregate}.v1`;
}

/** Dead-letter topic where consumers park the events of `topic` they could not process. */
export function dlqTopic<T extends string>(topic: T): `${T}.dlq` {
  return `${topic}.dlq`;
}

/** True when the topic is a dead-letter topic. */
export function isDlqTopic(topic: string): boolean {
  return topic.endsWith('.dlq');
}

/** Topics of the platform, one per aggregate stream. */
export const Topics = {
  checkins: {
    checkIn: aggregateTopic('checkins', 'check-in'),
  },
  customers: {
    customer: aggregateTopic('customers', 'customer'),
    territory: aggregateTopic('customers', 'territory'),
    settings: aggregateTopic('customers', 'settings'),
  },
  permissions: {
    user: aggregateTopic('permissions', 'user'),
    orgUnit: aggregateTopic('permissions', 'org-unit'),
    role: aggregateTopic('permissions', 'role'),
  },
  visits: {
    task: aggregateTopic('visits', 'task'),
    visitTemplate: aggregateTopic('visits', 'visit-template'),
    reminder: aggregateTopic('visits', 'reminder'),
  },
} as const;
