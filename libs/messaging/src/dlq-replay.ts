/**
 * Sends the records parked in `<topic>.dlq` back to the topic they came from, once each.
 *
 * Replaying to the original topic is safe because every consumer records event ids in its inbox:
 * groups that already processed an event skip it, the group that failed it gets another chance.
 * Progress is kept as the offsets of a consumer group of the tool's own (one per consumer-group
 * filter), so running it again replays only what was dead-lettered since. The records present
 * when it starts are replayed; it then stops.
 */
import { type IHeaders, type KafkaMessage } from 'kafkajs';
import { dlqTopic, isDlqTopic } from '@fieldforce/contracts';
import { DEAD_LETTER_HEADERS } from './inbox/dead-letter-headers';
import { type KafkaClientFactory } from './kafka-client.factory';

/** Headers the dead-lettering consumer added; they describe the failure, not the event. */
const FAILURE_HEADERS: readonly string[] = Object.values(DEAD_LETTER_HEADERS);

export interface DlqReplayOptions {
  /** The topic whose dead letters are replayed, as configured (without the prefix); `<topic>.dlq` is accepted too. */
  topic: string;
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
export async function replayDeadLetters(kafka: KafkaClientFactory, options: DlqReplayOptions): Promise<DlqReplayReport> {
  const baseTopic = isDlqTopic(options.topic) ? options.topic.slice(0, -'.dlq'.length) : options.topic;
  const source = kafka.topic(baseTopic);
  const dlq = dlqTopic(source);
  const groupId = `fieldforce.dlq-replay.${baseTopic}${options.consumerGroup ? `.${options.consumerGroup}` : ''}`;
  const limit = options.limit ?? Number.POSITIVE_INFINITY;

  const admin = kafka.createAdmin();
  await admin.connect();
  // Where each partition ends now, and where this tool's group stopped last time.
  let ends: Map<number, bigint>;
  let starts: Map<number, bigint>;
  try {
    const [watermarks, committed] = await Promise.all([admin.fetchTopicOffsets(dlq), admin.fetchOffsets({ groupId: kafka.consumerGroup(groupId), topics: [dlq] })]);
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

  const producer = kafka.createProducer();
  const consumer = kafka.createConsumer(groupId, { allowAutoTopicCreation: false, maxWaitTimeInMs: 200 });
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
            const group = header(message, DEAD_LETTER_HEADERS.consumerGroup);
            if (options.consumerGroup && group !== options.consumerGroup) {
              report.skipped += 1;
            } else {
              options.onRecord?.({ partition, offset: message.offset, key: message.key?.toString() ?? null, error: header(message, DEAD_LETTER_HEADERS.error), consumerGroup: group });
              if (!options.dryRun) {
                const target = header(message, DEAD_LETTER_HEADERS.originalTopic) ?? source;
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

