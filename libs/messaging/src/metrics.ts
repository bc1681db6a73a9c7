import { Gauge, register } from 'prom-client';

/** Something that can report its outbox backlog when Prometheus scrapes. */
export interface OutboxBacklogSource {
  readonly service: string;
  backlogStats(): Promise<{ backlog: number; oldestAgeSeconds: number }>;
}

const backlogSources = new Set<OutboxBacklogSource>();

function gauge<L extends string>(name: string, help: string, labelNames: readonly L[], collect?: () => Promise<void>): Gauge<L> {
  // One metric per name in the default registry, however many relays or consumers a process runs.
  const existing = register.getSingleMetric(name);
  if (existing) return existing as Gauge<L>;
  return new Gauge({ name, help, labelNames, ...(collect ? { collect } : {}) });
}

let outboxGauges: { backlog: Gauge<'service'>; age: Gauge<'service'> } | undefined;
let collecting: Promise<void> | undefined;

// Both gauges are filled by one query per outbox per scrape, shared by their collect callbacks.
function collectOutbox(): Promise<void> {
  collecting ??= (async () => {
    for (const source of backlogSources) {
      const { backlog, oldestAgeSeconds } = await source.backlogStats();
      outboxGauges?.backlog.set({ service: source.service }, backlog);
      outboxGauges?.age.set({ service: source.service }, oldestAgeSeconds);
    }
  })().finally(() => {
    collecting = undefined;
  });
  return collecting;
}

/** Reports `source` in the outbox backlog and age gauges; the returned function stops that. */
export function trackOutbox(source: OutboxBacklogSource): () => void {
  outboxGauges ??= {
    backlog: gauge('fieldforce_outbox_backlog', 'Outbox rows not yet sent to Kafka', ['service'], collectOutbox),
    age: gauge('fieldforce_outbox_oldest_unsent_age_seconds', 'Age of the oldest unsent outbox row', ['service'], collectOutbox),
  };
  backlogSources.add(source);
  return () => {
    backlogSources.delete(source);
    if (![...backlogSources].some((s) => s.service === source.service)) {
      outboxGauges?.backlog.remove({ service: source.service });
      outboxGauges?.age.remove({ service: source.service });
    }
  };
}

type LagLabel = 'service' | 'group' | 'topic' | 'partition';
let lagGauge: Gauge<LagLabel> | undefined;

/** The consumer lag gauge: records behind the log end per group, topic and partition. */
export function consumerLagGauge(): Gauge<LagLabel> {
  lagGauge ??= gauge('fieldforce_consumer_lag', 'Records between the last processed offset and the log end', [
    'service',
    'group',
    'topic',
    'partition',
  ]);
  return lagGauge;
}
