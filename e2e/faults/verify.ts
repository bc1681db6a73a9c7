import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { SCHEMA_SERVICES } from '@fieldforce/persistence';
import { KafkaTopicCollector } from '@fieldforce/testing';
import { type Ledger } from './load';
import { type FaultPlatform, type PlatformService } from './platform';
import { type FieldTenant } from './tenant';

const types = (stream: string, events: string[]): string[] => events.map((event) => `fieldforce.${stream}.${event}.v1`);
const CUSTOMER = types('customers.customer', ['created', 'updated', 'graded', 'deleted', 'assigned']);
const CHECK_IN = types('checkins.check-in', ['recorded', 'checked-out', 'reviewed']);
const USER = types('permissions.user', ['created', 'updated', 'moved', 'roles-changed', 'deactivated']);
const ORG_UNIT = types('permissions.org-unit', ['created', 'updated', 'moved']);
const TASK = types('visits.task', ['planned', 'dispatched', 'started', 'completed', 'missed', 'cancelled', 'rescheduled', 'reassigned', 'reported']);
const TEMPLATE = types('visits.visit-template', ['created', 'updated']);
const REMINDER = types('visits.reminder', ['task-overdue', 'visit-due']);

/**
 * The platform's consumer groups (inbox `consumer_group`, logical name) and the event types each
 * handles, as the services' *.subscriber.ts register them.
 */
export const CONSUMERS: readonly { group: string; schema: string; types: readonly string[] }[] = [
  { group: 'customers.users', schema: 'customers', types: USER },
  { group: 'customers.territory-paths', schema: 'customers', types: [...USER, ...ORG_UNIT] },
  { group: 'visits.customers', schema: 'visits', types: CUSTOMER },
  { group: 'visits.checkins', schema: 'visits', types: CHECK_IN },
  { group: 'checkins.customer-locations', schema: 'checkins', types: CUSTOMER },
  { group: 'checkins.directory', schema: 'checkins', types: [...USER, ...ORG_UNIT] },
  { group: 'sync.feed', schema: 'sync', types: [...CUSTOMER, ...CHECK_IN, ...TEMPLATE, ...TASK, ...REMINDER] },
];

/** Aggregate streams whose events carry a versioned state, by the member of `data` holding it. */
const VERSIONED_STREAMS: Record<string, string> = {
  'fieldforce.customers.customer.v1': 'customer',
  'fieldforce.checkins.check-in.v1': 'checkIn',
  'fieldforce.visits.task.v1': 'task',
};

/** A copy of a source table kept by another service (read model or feed), compared by id and version. */
const READ_MODELS: readonly { name: string; source: string; copy: string }[] = [
  { name: 'visits.customers ← customers.customers', source: 'SELECT id, version FROM customers.customers WHERE tenant_id = $1', copy: 'SELECT id, version FROM visits.customers WHERE tenant_id = $1' },
  { name: 'checkins.customers ← customers.customers', source: 'SELECT id, version FROM customers.customers WHERE tenant_id = $1', copy: 'SELECT id, version FROM checkins.customers WHERE tenant_id = $1' },
  { name: 'visits.check_ins ← checkins.check_ins', source: 'SELECT id, version FROM checkins.check_ins WHERE tenant_id = $1', copy: 'SELECT id, version FROM visits.check_ins WHERE tenant_id = $1' },
  {
    name: 'sync feed (customer) ← customers.customers',
    source: 'SELECT id, version FROM customers.customers WHERE tenant_id = $1',
    copy: "SELECT id, version FROM sync.feed_records WHERE tenant_id = $1 AND entity = 'customer'",
  },
  {
    name: 'sync feed (check-in) ← checkins.check_ins',
    source: 'SELECT id, version FROM checkins.check_ins WHERE tenant_id = $1',
    copy: "SELECT id, version FROM sync.feed_records WHERE tenant_id = $1 AND entity = 'check-in'",
  },
  {
    name: 'sync feed (visit-task) ← visits.visit_tasks',
    source: 'SELECT id, version FROM visits.visit_tasks WHERE tenant_id = $1',
    copy: "SELECT id, version FROM sync.feed_records WHERE tenant_id = $1 AND entity = 'visit-task'",
  },
];

export interface ReadModelComparison {
  source: number;
  copy: number;
  /** In the source, absent from the copy. */
  missing: number;
  /** In both, at another version. */
  stale: number;
  /** In the copy only. */
  extra: number;
}

export interface ConsumerState {
  /** Outbox events of the types the group handles. */
  expected: number;
  /** Of them, recorded in the group's inbox (processed once: the inbox key is the event id). */
  processed: number;
  missing: number;
  /** Records of the group's topics not yet committed by the group. */
  lag: number;
}

interface OutboxEvent {
  eventId: string;
  type: string;
  topic: string;
  key: string;
  unsent: boolean;
  version: number | null;
}

/** What the platform holds after the load: compared with what the devices were told (the ledger). */
export interface Verification {
  acknowledgedWrites: {
    checkIns: { acknowledged: number; present: number; missing: string[] };
    trackPoints: { acknowledged: number; present: number; missing: number };
    mutationResults: { acknowledged: number; present: number; missing: string[]; differing: string[] };
    pushedCustomers: { expected: number; present: number; missing: string[]; behind: string[] };
  };
  /** Writes the devices gave up on: allowed either way, counted for the record. */
  unacknowledgedWrites: { checkIns: number; checkInsPresent: number; mutations: number; mutationsRecorded: number };
  /** Per topic: outbox rows, unsent rows, records on the topic, distinct events on it, outbox events not on it. */
  events: Record<string, { outbox: number; unsent: number; records: number; distinct: number; notOnTopic: number; relayRedeliveries: number }>;
  consumers: Record<string, ConsumerState>;
  readModels: Record<string, ReadModelComparison>;
  feed: { changes: number; distinctVersions: number };
  tasks: { checkedIn: number; started: number; startedEvents: number; startedTwice: number };
  deadLetters: Record<string, number>;
  health: Record<PlatformService, number>;
  duplicates: Record<string, number> & { total: number };
  lost: Record<string, number> & { total: number };
}

function total(counts: Record<string, number>): Record<string, number> & { total: number } {
  return { ...counts, total: Object.values(counts).reduce((sum, count) => sum + count, 0) };
}

/** Reads the platform's state: the databases of every service and the broker's topics and groups. */
export class PlatformInspector {
  constructor(
    private readonly platform: FaultPlatform,
    private readonly tenant: FieldTenant,
  ) {}

  private async query<T>(sql: string, parameters: unknown[] = []): Promise<T[]> {
    // A connection per query: a Postgres outage must not leave the inspector with a dead one.
    const client = new Client({ connectionString: this.platform.database.adminUrl });
    await client.connect();
    try {
      return (await client.query(sql, parameters)).rows as T[];
    } finally {
      await client.end();
    }
  }

  private kafka(): Kafka {
    return new Kafka({ clientId: 'faults-inspector', brokers: this.platform.broker.brokers, logLevel: logLevel.NOTHING });
  }

  async outboxEvents(): Promise<OutboxEvent[]> {
    const events: OutboxEvent[] = [];
    for (const schema of SCHEMA_SERVICES) {
      const rows = await this.query<{ event_id: string; event_type: string; topic: string; message_key: string; unsent: boolean; payload: { data?: Record<string, { version?: number }> } }>(
        `SELECT event_id, event_type, topic, message_key, sent_at IS NULL AS unsent, payload FROM ${schema}.outbox`,
      );
      for (const row of rows) {
        const member = VERSIONED_STREAMS[row.topic];
        const version = member === undefined ? undefined : row.payload.data?.[member]?.version;
        events.push({ eventId: row.event_id, type: row.event_type, topic: row.topic, key: row.message_key, unsent: row.unsent, version: version ?? null });
      }
    }
    return events;
  }

  private async inbox(): Promise<Map<string, Set<string>>> {
    const byGroup = new Map<string, Set<string>>();
    for (const schema of new Set(CONSUMERS.map((consumer) => consumer.schema))) {
      const rows = await this.query<{ consumer_group: string; event_id: string }>(`SELECT consumer_group, event_id FROM ${schema}.inbox`);
      for (const row of rows) {
        const ids = byGroup.get(row.consumer_group) ?? new Set<string>();
        ids.add(row.event_id);
        byGroup.set(row.consumer_group, ids);
      }
    }
    return byGroup;
  }

  /** Uncommitted records per consumer group, summed over the partitions of the topics it handles. */
  async consumerLag(): Promise<Record<string, number>> {
    const admin = this.kafka().admin();
    await admin.connect();
    try {
      const existing = new Set(await admin.listTopics());
      const lag: Record<string, number> = {};
      for (const consumer of CONSUMERS) {
        const topics = [...new Set(consumer.types.map((type) => this.platform.topicPrefix + streamOf(type)))].filter((topic) => existing.has(topic));
        const ends = new Map<string, { partition: number; high: bigint; low: bigint }[]>();
        for (const topic of topics) {
          ends.set(topic, (await admin.fetchTopicOffsets(topic)).map((entry) => ({ partition: entry.partition, high: BigInt(entry.high), low: BigInt(entry.low) })));
        }
        // The group's name on the wire carries the topic prefix (shared clusters); older clients used the bare name.
        let committed = await admin.fetchOffsets({ groupId: this.platform.topicPrefix + consumer.group, topics });
        if (committed.every((topic) => topic.partitions.every((partition) => Number(partition.offset) < 0))) {
          const bare = await admin.fetchOffsets({ groupId: consumer.group, topics });
          if (bare.some((topic) => topic.partitions.some((partition) => Number(partition.offset) >= 0))) committed = bare;
        }
        let behind = 0n;
        for (const topic of committed) {
          for (const partition of topic.partitions) {
            const end = ends.get(topic.topic)?.find((entry) => entry.partition === partition.partition);
            if (!end) continue;
            const offset = BigInt(partition.offset);
            behind += end.high - (offset < 0n ? end.low : offset);
          }
        }
        lag[consumer.group] = Number(behind);
      }
      return lag;
    } finally {
      await admin.disconnect();
    }
  }

  /** Records on every dead-letter topic of this platform. */
  async deadLetters(): Promise<Record<string, number>> {
    const admin = this.kafka().admin();
    await admin.connect();
    try {
      const counts: Record<string, number> = {};
      for (const topic of (await admin.listTopics()).filter((name) => name.startsWith(this.platform.topicPrefix) && name.endsWith('.dlq'))) {
        counts[topic] = (await admin.fetchTopicOffsets(topic)).reduce((sum, entry) => sum + Number(entry.high) - Number(entry.low), 0);
      }
      return counts;
    } finally {
      await admin.disconnect();
    }
  }

  async consumers(events: OutboxEvent[]): Promise<Record<string, ConsumerState>> {
    const [inbox, lag] = await Promise.all([this.inbox(), this.consumerLag()]);
    const states: Record<string, ConsumerState> = {};
    for (const consumer of CONSUMERS) {
      const handled = new Set(consumer.types);
      const expected = events.filter((event) => handled.has(event.type));
      const seen = inbox.get(consumer.group) ?? new Set<string>();
      const processed = expected.filter((event) => seen.has(event.eventId)).length;
      states[consumer.group] = { expected: expected.length, processed, missing: expected.length - processed, lag: lag[consumer.group] ?? 0 };
    }
    return states;
  }

  async readModels(): Promise<Record<string, ReadModelComparison>> {
    const comparisons: Record<string, ReadModelComparison> = {};
    for (const model of READ_MODELS) {
      const [source, copy] = await Promise.all([
        this.query<{ id: string; version: number }>(model.source, [this.tenant.tenantId]),
        this.query<{ id: string; version: number }>(model.copy, [this.tenant.tenantId]),
      ]);
      const copied = new Map(copy.map((row) => [row.id, row.version]));
      const sourceIds = new Set(source.map((row) => row.id));
      comparisons[model.name] = {
        source: source.length,
        copy: copy.length,
        missing: source.filter((row) => !copied.has(row.id)).length,
        stale: source.filter((row) => copied.has(row.id) && copied.get(row.id) !== row.version).length,
        extra: copy.filter((row) => !sourceIds.has(row.id)).length,
      };
    }
    return comparisons;
  }

  /**
   * True once the platform has caught up: every outbox row sent, every consumer has processed
   * every event it handles and committed its offsets, and every read model equals its source.
   */
  async caughtUp(): Promise<boolean> {
    const events = await this.outboxEvents();
    if (events.some((event) => event.unsent)) return false;
    const consumers = await this.consumers(events);
    if (Object.values(consumers).some((state) => state.missing > 0 || state.lag > 0)) return false;
    const models = await this.readModels();
    return Object.values(models).every((model) => model.missing === 0 && model.stale === 0 && model.extra === 0);
  }

  /** Every record on this platform's (non dead-letter) topics, read from the beginning. */
  private async topicRecords(): Promise<Map<string, string[]>> {
    const admin = this.kafka().admin();
    await admin.connect();
    let topics: string[];
    let count = 0;
    try {
      topics = (await admin.listTopics()).filter((name) => name.startsWith(this.platform.topicPrefix) && !name.endsWith('.dlq'));
      for (const topic of topics) {
        count += (await admin.fetchTopicOffsets(topic)).reduce((sum, entry) => sum + Number(entry.high) - Number(entry.low), 0);
      }
    } finally {
      await admin.disconnect();
    }
    const byTopic = new Map<string, string[]>();
    if (topics.length === 0) return byTopic;
    const collector = await KafkaTopicCollector.start({ brokers: this.platform.broker.brokers, topicPrefix: this.platform.topicPrefix }, ...topics);
    try {
      await collector.waitFor(() => true, count, 120_000);
      for (const record of collector.records) {
        const topic = record.topic.slice(this.platform.topicPrefix.length);
        const ids = byTopic.get(topic) ?? [];
        ids.push((JSON.parse(record.value) as { id: string }).id);
        byTopic.set(topic, ids);
      }
    } finally {
      await collector.stop();
    }
    return byTopic;
  }

  /** The full comparison of the platform with the ledger. */
  async verify(ledger: Ledger): Promise<Verification> {
    const { tenantId } = this.tenant;
    const events = await this.outboxEvents();
    const [consumers, readModels, deadLetters, records, health] = await Promise.all([
      this.consumers(events),
      this.readModels(),
      this.deadLetters(),
      this.topicRecords(),
      this.platform.readiness(),
    ]);

    // Acknowledged check-ins, and any check-in nobody sent (a retry recorded twice would be one).
    const checkInRows = await this.query<{ id: string }>('SELECT id FROM checkins.check_ins WHERE tenant_id = $1', [tenantId]);
    const storedCheckIns = new Set(checkInRows.map((row) => row.id));
    const missingCheckIns = ledger.checkIns.filter((checkIn) => !storedCheckIns.has(checkIn.id)).map((checkIn) => checkIn.id);
    const sentCheckIns = new Set([...ledger.checkIns.map((checkIn) => checkIn.id), ...ledger.unacknowledgedCheckIns]);
    const unsentCheckIns = checkInRows.filter((row) => !sentCheckIns.has(row.id)).length;

    const pointRows = await this.query<{ device_id: string; point_key: string }>('SELECT device_id, point_key FROM checkins.track_points WHERE tenant_id = $1', [tenantId]);
    const storedPoints = new Set(pointRows.map((row) => `${row.device_id}|${row.point_key}`));
    const ackedPoints = ledger.trackBatches.flatMap((batch) => batch.pointKeys.map((key) => `${batch.deviceId}|${key}`));
    const missingPoints = ackedPoints.filter((point) => !storedPoints.has(point)).length;

    const clients = [...new Set([...ledger.mutations, ...ledger.unacknowledgedMutations].map((mutation) => mutation.clientId))];
    const resultRows = await this.query<{ client_id: string; mutation_id: string; status: string; version: number | null }>(
      `SELECT client_id, mutation_id, status, (result->>'version')::int AS version FROM sync.mutation_results WHERE client_id = ANY($1)`,
      [clients],
    );
    const results = new Map(resultRows.map((row) => [`${row.client_id}#${row.mutation_id}`, row]));
    const missingResults: string[] = [];
    const differingResults: string[] = [];
    for (const mutation of ledger.mutations) {
      const key = `${mutation.clientId}#${mutation.mutationId}`;
      const stored = results.get(key);
      if (!stored) missingResults.push(key);
      else if (stored.status !== mutation.status || stored.version !== mutation.version) differingResults.push(key);
    }
    const mutationsRecorded = ledger.unacknowledgedMutations.filter((mutation) => results.has(`${mutation.clientId}#${mutation.mutationId}`)).length;

    // The last acknowledged state of every pushed customer: present, at that version or a later one (an unacknowledged edit may have applied after it).
    const expectedCustomers = new Map<string, { version: number; name: string }>();
    for (const mutation of ledger.mutations) {
      if (mutation.version === null || mutation.name === null) continue;
      const known = expectedCustomers.get(mutation.entityId);
      if (!known || known.version < mutation.version) expectedCustomers.set(mutation.entityId, { version: mutation.version, name: mutation.name });
    }
    const customerRows = await this.query<{ id: string; version: number; name: string }>('SELECT id, version, name FROM customers.customers WHERE id = ANY($1)', [[...expectedCustomers.keys()]]);
    const storedCustomers = new Map(customerRows.map((row) => [row.id, row]));
    const missingCustomers = [...expectedCustomers.keys()].filter((id) => !storedCustomers.has(id));
    const behindCustomers = [...expectedCustomers].filter(([id, expected]) => {
      const stored = storedCustomers.get(id);
      return stored !== undefined && (stored.version < expected.version || (stored.version === expected.version && stored.name !== expected.name));
    }).map(([id]) => id);

    // Events on their topics: every outbox event at least once (the relay may send one twice; inboxes absorb that).
    const eventsByTopic: Verification['events'] = {};
    for (const topic of [...new Set([...events.map((event) => event.topic), ...records.keys()])].sort()) {
      const outbox = events.filter((event) => event.topic === topic);
      const onTopic = records.get(topic) ?? [];
      const distinct = new Set(onTopic);
      eventsByTopic[topic] = {
        outbox: outbox.length,
        unsent: outbox.filter((event) => event.unsent).length,
        records: onTopic.length,
        distinct: distinct.size,
        notOnTopic: outbox.filter((event) => !distinct.has(event.eventId)).length,
        relayRedeliveries: onTopic.length - distinct.size,
      };
    }

    // One event per aggregate version and type: a second one means a write was applied twice.
    const versions = new Map<string, number>();
    for (const event of events) {
      if (event.version === null) continue;
      const key = `${event.topic}|${event.key}|${event.version}|${event.type}`;
      versions.set(key, (versions.get(key) ?? 0) + 1);
    }
    const repeatedVersions = [...versions.values()].filter((count) => count > 1).reduce((sum, count) => sum + count - 1, 0);

    // The feed's tenant sequence counts the changes it applied: one per distinct record version.
    const feedKinds: Record<string, string> = { 'fieldforce.customers.customer.v1': 'customer', 'fieldforce.checkins.check-in.v1': 'check-in', 'fieldforce.visits.task.v1': 'visit-task' };
    const feedTypes = new Set(CONSUMERS.find((consumer) => consumer.group === 'sync.feed')!.types);
    const distinctFeedVersions = new Set(
      events.filter((event) => feedTypes.has(event.type)).map((event) => `${feedKinds[event.topic] ?? event.topic}|${event.key}|${event.version ?? event.eventId}`),
    ).size;
    const [feedTenant] = await this.query<{ last_seq: string }>('SELECT last_seq FROM sync.feed_tenants WHERE tenant_id = $1', [tenantId]);
    const feedChanges = Number(feedTenant?.last_seq ?? 0);

    // The check-in driven task lifecycle: each checked-in task started, once.
    const checkedInTasks = [...new Set(ledger.checkIns.map((checkIn) => checkIn.taskId).filter((id): id is string => id !== null))];
    const taskRows = await this.query<{ id: string; status: string }>('SELECT id, status FROM visits.visit_tasks WHERE id = ANY($1)', [checkedInTasks]);
    const started = taskRows.filter((row) => row.status === 'in_progress' || row.status === 'completed').length;
    const startedEvents = events.filter((event) => event.type === 'fieldforce.visits.task.started.v1' && checkedInTasks.includes(event.key));
    const startsPerTask = new Map<string, number>();
    for (const event of startedEvents) startsPerTask.set(event.key, (startsPerTask.get(event.key) ?? 0) + 1);
    const startedTwice = [...startsPerTask.values()].filter((count) => count > 1).length;

    const modelsMissing = Object.values(readModels).reduce((sum, model) => sum + model.missing + model.stale, 0);
    const modelsExtra = Object.values(readModels).reduce((sum, model) => sum + model.extra, 0);
    return {
      acknowledgedWrites: {
        checkIns: { acknowledged: ledger.checkIns.length, present: ledger.checkIns.length - missingCheckIns.length, missing: missingCheckIns },
        trackPoints: { acknowledged: ackedPoints.length, present: ackedPoints.length - missingPoints, missing: missingPoints },
        mutationResults: { acknowledged: ledger.mutations.length, present: ledger.mutations.length - missingResults.length, missing: missingResults, differing: differingResults },
        pushedCustomers: { expected: expectedCustomers.size, present: expectedCustomers.size - missingCustomers.length, missing: missingCustomers, behind: behindCustomers },
      },
      unacknowledgedWrites: {
        checkIns: ledger.unacknowledgedCheckIns.length,
        checkInsPresent: ledger.unacknowledgedCheckIns.filter((id) => storedCheckIns.has(id)).length,
        mutations: ledger.unacknowledgedMutations.length,
        mutationsRecorded,
      },
      events: eventsByTopic,
      consumers,
      readModels,
      feed: { changes: feedChanges, distinctVersions: distinctFeedVersions },
      tasks: { checkedIn: checkedInTasks.length, started, startedEvents: startedEvents.length, startedTwice },
      deadLetters,
      health,
      duplicates: total({
        checkInsNobodySent: unsentCheckIns,
        eventsPerAggregateVersion: repeatedVersions,
        feedChangesBeyondVersions: Math.max(0, feedChanges - distinctFeedVersions),
        tasksStartedTwice: startedTwice,
        readModelRowsWithoutSource: modelsExtra,
      }),
      lost: total({
        checkIns: missingCheckIns.length,
        trackPoints: missingPoints,
        mutationResults: missingResults.length + differingResults.length,
        pushedCustomerStates: missingCustomers.length + behindCustomers.length,
        unsentOutboxRows: events.filter((event) => event.unsent).length,
        eventsNotOnTopic: Object.values(eventsByTopic).reduce((sum, topic) => sum + topic.notOnTopic, 0),
        eventsNotProcessed: Object.values(consumers).reduce((sum, state) => sum + state.missing, 0),
        deadLettered: Object.values(deadLetters).reduce((sum, count) => sum + count, 0),
        readModelRowsMissingOrStale: modelsMissing,
        feedChangesMissing: Math.max(0, distinctFeedVersions - feedChanges),
        checkedInTasksNotStarted: checkedInTasks.length - started,
      }),
    };
  }
}

/** The topic (without prefix) carrying an event type: `fieldforce.<svc>.<aggregate>.<event>.v1` → `fieldforce.<svc>.<aggregate>.v1`. */
function streamOf(type: string): string {
  const [root, service, aggregate] = type.split('.');
  return `${root}.${service}.${aggregate}.v1`;
}
