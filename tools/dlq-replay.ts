/**
 * `npm run dlq:replay -- <topic> [--group <consumer-group>] [--limit <n>] [--dry-run]`: sends the
 * records parked in `<topic>.dlq` back to the topic they came from, once each.
 *
 * Replaying to the original topic is safe because every consumer records event ids in its inbox:
 * groups that already processed an event skip it, the group that failed it gets another chance.
 * Progress is kept as the offsets of a consumer group of the tool's own (one per `--group` filter),
 * so running the command again replays only what was dead-lettered since. The records present when
 * the command starts are replayed; it then stops.
 */
import { type IHeaders, Kafka, type KafkaMessage, logLevel } from 'kafkajs';
import { dlqTopic, isDlqTopic } from '@fieldforce/contracts';

/** Headers the dead-lettering consumer added; they describe the failure, not the event. */
const FAILURE_HEADERS = ['x-error', 'x-error-type', 'x-original-topic', 'x-original-partition', 'x-original-offset', 'x-attempts', 'x-consumer-group'];

export interface DlqReplayOptions {
  brokers: string[];
  /** The topic whose dead letters are replayed, as configured (without the prefix); `<topic>.dlq` is accepted too. */
  topic: string;
  topicPrefix?: string;
  /** Replay only records dead-lettered by this consumer group (the others stay for another run). */
  consumerGroup?: string;
  /** At most this many records (the rest stay for the next run). */
  limit?: number;
  /** List what would be replayed; sends and records nothing. */
  dryRun?: boolean;
  /** Called for each record replayed (or, in a dry run, that would be). */
  onRecord?: (record: ReplayedRecord) => void;
}

export interface ReplayedRecord {
  partition: number;
  offset: string;
  key: string | null;
  error: string | undefined;
  consumerGroup: string | undefined;
}

export interface DlqReplayReport {
  replayed: number;
  skipped: number;
}

function header(message: KafkaMessage, name: string): string | undefined {
  const value = message.headers?.[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : first.toString();
}

function eventHeaders(message: KafkaMessage, dlq: string, partition: number): IHeaders {
  const headers: IHeaders = {};
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    if (value !== undefined && !FAILURE_HEADERS.includes(name)) headers[name] = value;
  }
  headers['x-replayed-from'] = `${dlq}:${partition}:${message.offset}`;
  return headers;
}

/** Replays the dead letters of one topic; resolves when every record present at the start was handled. */
export async function replayDeadLetters(options: DlqReplayOptions): Promise<DlqReplayReport> {
  const prefix = options.topicPrefix ?? '';
  const baseTopic = isDlqTopic(options.topic) ? options.topic.slice(0, -'.dlq'.length) : options.topic;
  const source = `${prefix}${baseTopic}`;
  const dlq = dlqTopic(source);
  const groupId = `fieldforce.dlq-replay.${baseTopic}${options.consumerGroup ? `.${options.consumerGroup}` : ''}`;
  const limit = options.limit ?? Number.POSITIVE_INFINITY;

  const kafka = new Kafka({ clientId: 'fieldforce-dlq-replay', brokers: options.brokers, logLevel: logLevel.ERROR });
  const admin = kafka.admin();
  await admin.connect();
  // Where each partition ends now, and where this tool's group stopped last time.
  let ends: Map<number, bigint>;
  let starts: Map<number, bigint>;
  try {
    const [watermarks, committed] = await Promise.all([admin.fetchTopicOffsets(dlq), admin.fetchOffsets({ groupId, topics: [dlq] })]);
    ends = new Map(watermarks.map((w) => [w.partition, BigInt(w.high)]));
    const lows = new Map(watermarks.map((w) => [w.partition, BigInt(w.low)]));
    starts = new Map(
      (committed[0]?.partitions ?? []).map((p) => [p.partition, BigInt(p.offset) < 0n ? (lows.get(p.partition) ?? 0n) : BigInt(p.offset)]),
    );
  } finally {
    await admin.disconnect();
  }
  const pending = new Set([...ends].filter(([partition, end]) => (starts.get(partition) ?? 0n) < end).map(([partition]) => partition));
  const report: DlqReplayReport = { replayed: 0, skipped: 0 };
  if (pending.size === 0 || limit <= 0) return report;

  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false });
  await Promise.all([producer.connect(), consumer.connect()]);
  try {
    await consumer.subscribe({ topic: dlq, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const settle = (partition: number, offset: string): void => {
        if (BigInt(offset) + 1n >= (ends.get(partition) ?? 0n)) pending.delete(partition);
        if (pending.size === 0 || report.replayed >= limit) resolve();
      };
      consumer
        .run({
          autoCommit: false,
          eachMessage: async ({ partition, message }) => {
            const end = ends.get(partition) ?? 0n;
            if (!pending.has(partition) || BigInt(message.offset) >= end || report.replayed >= limit) return;
            const group = header(message, 'x-consumer-group');
            if (options.consumerGroup && group !== options.consumerGroup) {
              report.skipped += 1;
            } else {
              options.onRecord?.({ partition, offset: message.offset, key: message.key?.toString() ?? null, error: header(message, 'x-error'), consumerGroup: group });
              if (!options.dryRun) {
                const target = header(message, 'x-original-topic') ?? source;
                await producer.send({ topic: target, acks: -1, messages: [{ key: message.key, value: message.value, headers: eventHeaders(message, dlq, partition) }] });
              }
              report.replayed += 1;
            }
            // Progress is recorded only after the record is back on its topic: a crash here replays it again, which the inbox absorbs.
            if (!options.dryRun) await consumer.commitOffsets([{ topic: dlq, partition, offset: (BigInt(message.offset) + 1n).toString() }]);
            settle(partition, message.offset);
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
    await producer.disconnect();
  }
  return report;
}

function parseArgs(argv: readonly string[]): Omit<DlqReplayOptions, 'brokers'> | undefined {
  const [topic, ...rest] = argv;
  if (!topic || topic.startsWith('--')) return undefined;
  const options: Omit<DlqReplayOptions, 'brokers'> = { topic };
  for (let i = 0; i < rest.length; i += 1) {
    const flag = rest[i];
    if (flag === '--dry-run') options.dryRun = true;
    else if (flag === '--group' && rest[i + 1]) options.consumerGroup = rest[++i];
    else if (flag === '--limit' && /^\d+$/.test(rest[i + 1] ?? '')) options.limit = Number(rest[++i]);
    else return undefined;
  }
  return options;
}

if (require.main === module) {
  const options = parseArgs(process.argv.slice(2));
  if (!options) {
    process.stderr.write('usage: npm run dlq:replay -- <topic> [--group <consumer-group>] [--limit <n>] [--dry-run]\n');
    process.exit(2);
  }
  const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',').map((b) => b.trim());
  replayDeadLetters({
    ...options,
    brokers,
    topicPrefix: process.env.KAFKA_TOPIC_PREFIX ?? '',
    onRecord: (r) => process.stdout.write(`${options.dryRun ? 'would replay' : 'replayed'} ${r.partition}:${r.offset} key=${r.key ?? '-'} group=${r.consumerGroup ?? '-'} error=${r.error ?? '-'}\n`),
  }).then(
    (report) => process.stdout.write(`${report.replayed} ${options.dryRun ? 'to replay' : 'replayed'}, ${report.skipped} skipped (other consumer groups)\n`),
    (error: Error) => {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    },
  );
}
