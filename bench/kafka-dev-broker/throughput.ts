// Throughput and latency of kafkajs against the dev broker, next to kafkajs's own encode/decode
// cost for the same batches measured in the same run, so the broker's share is visible. The broker
// runs in this process, so every phase shares one event loop, as in a jest worker.
//
//   node -r @swc-node/register bench/kafka-dev-broker/throughput.ts
//   BENCH_MESSAGES=200000 BENCH_VALUE_BYTES=200 BENCH_BATCH=1000 BENCH_LATENCY_SAMPLES=2000 (defaults)
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { Kafka, logLevel } from 'kafkajs';
import { startDevBroker } from '@fieldforce/kafka-dev-broker';
import { fetchResponseV11 } from '../../libs/kafka-dev-broker/src/protocol/api/fetch';
import { produceRequestV7 as devBrokerProduceRequest } from '../../libs/kafka-dev-broker/src/protocol/api/produce';
import { Reader, Writer } from '../../libs/kafka-dev-broker/src/protocol/wire';

const MESSAGES = Number(process.env['BENCH_MESSAGES'] ?? 200_000);
const VALUE_BYTES = Number(process.env['BENCH_VALUE_BYTES'] ?? 200);
const BATCH = Number(process.env['BENCH_BATCH'] ?? 1_000);
const LATENCY_SAMPLES = Number(process.env['BENCH_LATENCY_SAMPLES'] ?? 2_000);
const PARTITIONS = 6;

// kafkajs's protocol internals have no type declarations; these are the shapes used here.
interface KafkajsEncoder {
  buffer: Buffer;
}
type ProduceRequestFactory = (args: object) => { encode(): Promise<KafkajsEncoder> };
interface FetchResponseModule {
  decode(body: Buffer): Promise<{ responses: { partitions: { messages: unknown[] }[] }[] }>;
}
const loadKafkajs = createRequire(require.resolve('kafkajs'));
const produceRequestV7 = loadKafkajs('./src/protocol/requests/produce/v7/request') as ProduceRequestFactory;
const fetchResponseV11Decoder = loadKafkajs('./src/protocol/requests/fetch/v11/response') as FetchResponseModule;

const decodeProduceRequest = (body: Buffer) => devBrokerProduceRequest.read(new Reader(body));

interface Message {
  key: string;
  value: string;
}

function batches(): Message[][] {
  const value = 'x'.repeat(VALUE_BYTES);
  const result: Message[][] = [];
  for (let start = 0; start < MESSAGES; start += BATCH) {
    result.push(Array.from({ length: Math.min(BATCH, MESSAGES - start) }, (_, i) => ({ key: `key-${(start + i) % 1000}`, value })));
  }
  return result;
}

/** The batch split over the partitions, as the producer splits it (evenly, for the benchmark). */
function byPartition(messages: Message[]): { partition: number; firstSequence: number; messages: Message[] }[] {
  return Array.from({ length: PARTITIONS }, (_, partition) => ({
    partition,
    firstSequence: 0,
    messages: messages.filter((_, i) => i % PARTITIONS === partition),
  }));
}

/** kafkajs's client-side cost of encoding produce requests for these batches, with no network. */
async function kafkajsEncodeMs(all: Message[][]): Promise<number> {
  const requests = all.map((messages) => ({ acks: -1, timeout: 30000, topicData: [{ topic: 'bench', partitions: byPartition(messages) }] }));
  const started = performance.now();
  for (const request of requests) await produceRequestV7(request).encode();
  return performance.now() - started;
}

/** The fastest of a few runs: this machine is shared, and the minimum is the least disturbed one. */
async function fastestOf(runs: number, measure: () => Promise<number>): Promise<number> {
  let fastest = Infinity;
  for (let i = 0; i < runs; i++) fastest = Math.min(fastest, await measure());
  return fastest;
}

/** kafkajs's client-side cost of decoding fetch responses holding these batches, with no network. */
async function kafkajsDecodeMs(all: Message[][]): Promise<number> {
  const bodies: Buffer[] = [];
  for (const messages of all) {
    const request = await produceRequestV7({ acks: -1, timeout: 30000, topicData: [{ topic: 'bench', partitions: [{ partition: 0, messages }] }] }).encode();
    const batch = decodeProduceRequest(request.buffer).topics[0]!.partitions[0]!.records!;
    const writer = new Writer();
    fetchResponseV11.write(writer, {
      throttleTimeMs: 0,
      errorCode: 0,
      sessionId: 0,
      topics: [
        {
          name: 'bench',
          partitions: [
            { partition: 0, errorCode: 0, highWatermark: 1, lastStableOffset: 1, logStartOffset: 0, abortedTransactions: [], preferredReadReplica: -1, records: batch },
          ],
        },
      ],
    });
    bodies.push(writer.toBuffer());
  }
  const started = performance.now();
  let decoded = 0;
  for (const body of bodies) decoded += (await fetchResponseV11Decoder.decode(body)).responses[0]!.partitions[0]!.messages.length;
  if (decoded !== MESSAGES) throw new Error(`decoded ${decoded} of ${MESSAGES} messages`);
  return performance.now() - started;
}

async function produceMs(kafka: Kafka, topic: string, all: Message[][]): Promise<number> {
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const started = performance.now();
  for (const messages of all) await producer.send({ topic, acks: -1, messages });
  const elapsed = performance.now() - started;
  await producer.disconnect();
  return elapsed;
}

async function consumeMs(kafka: Kafka, topic: string): Promise<number> {
  const consumer = kafka.consumer({ groupId: `${topic}-reader`, maxWaitTimeInMs: 50 });
  let received = 0;
  let started = 0;
  // Timed from the moment the group assigned the partitions: the join itself is not throughput.
  consumer.on(consumer.events.GROUP_JOIN, () => (started = performance.now()));
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const done = new Promise<number>((resolve) => {
    void consumer.run({
      eachBatch: async ({ batch }) => {
        received += batch.messages.length;
        if (received >= MESSAGES) resolve(performance.now() - started);
      },
    });
  });
  const elapsed = await done;
  await consumer.disconnect();
  return elapsed;
}

/** Produce-to-eachMessage latency of single messages, one at a time. */
async function latencies(kafka: Kafka, topic: string): Promise<number[]> {
  const producer = kafka.producer();
  const consumer = kafka.consumer({ groupId: `${topic}-latency`, maxWaitTimeInMs: 500 });
  const samples: number[] = [];
  let arrived: (() => void) | null = null;
  await producer.connect();
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: false });
  let joined: () => void = () => undefined;
  const groupJoined = new Promise<void>((resolve) => (joined = resolve));
  consumer.on(consumer.events.GROUP_JOIN, () => joined());
  await consumer.run({
    eachMessage: async ({ message }) => {
      samples.push(performance.now() - Number(message.value!.toString()));
      arrived?.();
    },
  });
  await groupJoined;
  // Let the consumer reach its first long-poll before timing.
  await new Promise((resolve) => setTimeout(resolve, 300));
  for (let i = 0; i < LATENCY_SAMPLES; i++) {
    const received = new Promise<void>((resolve) => (arrived = resolve));
    await producer.send({ topic, acks: 1, messages: [{ key: 'latency', value: String(performance.now()) }] });
    await received;
  }
  await consumer.disconnect();
  await producer.disconnect();
  return samples.sort((a, b) => a - b);
}

const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
const perSecond = (count: number, ms: number): string => Math.round((count / ms) * 1000).toLocaleString('en');
const share = (phase: string, work: string, clientMs: number, totalMs: number): string =>
  `${phase}: kafkajs ${work} alone takes ${((clientMs / totalMs) * 100).toFixed(0)}% of the end-to-end time; ` +
  `the broker, the network and the rest of kafkajs at most ${Math.max(0, ((totalMs - clientMs) / totalMs) * 100).toFixed(0)}%`;
const mbPerSecond = (ms: number): string => ((MESSAGES * VALUE_BYTES) / 1024 / 1024 / (ms / 1000)).toFixed(1);

async function main(): Promise<void> {
  const all = batches();
  const broker = await startDevBroker({ port: 0 });
  const kafka = new Kafka({ clientId: 'bench', brokers: broker.brokers, logLevel: logLevel.NOTHING });
  try {
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'bench-throughput', numPartitions: PARTITIONS }, { topic: 'bench-latency', numPartitions: 1 }] });
    await admin.disconnect();

    // Repeated runs also warm the JIT up before the network phases.
    const encodeMs = await fastestOf(3, () => kafkajsEncodeMs(all));
    const decodeMs = await fastestOf(3, () => kafkajsDecodeMs(all));
    const producedMs = await produceMs(kafka, 'bench-throughput', all);
    const consumedMs = await consumeMs(kafka, 'bench-throughput');
    const latency = await latencies(kafka, 'bench-latency');

    const rows: [string, string, string, string][] = [
      ['kafkajs encode only (no network)', `${encodeMs.toFixed(0)} ms`, perSecond(MESSAGES, encodeMs), mbPerSecond(encodeMs)],
      ['produce through the dev broker, acks=-1', `${producedMs.toFixed(0)} ms`, perSecond(MESSAGES, producedMs), mbPerSecond(producedMs)],
      ['kafkajs decode only (no network)', `${decodeMs.toFixed(0)} ms`, perSecond(MESSAGES, decodeMs), mbPerSecond(decodeMs)],
      ['consume through the dev broker', `${consumedMs.toFixed(0)} ms`, perSecond(MESSAGES, consumedMs), mbPerSecond(consumedMs)],
    ];
    process.stdout.write(`${MESSAGES.toLocaleString('en')} messages of ${VALUE_BYTES} bytes, ${BATCH} per send, ${PARTITIONS} partitions\n\n`);
    process.stdout.write(`${'phase'.padEnd(42)}${'time'.padStart(10)}${'msg/s'.padStart(12)}${'MB/s'.padStart(8)}\n`);
    for (const [phase, time, rate, mb] of rows) process.stdout.write(`${phase.padEnd(42)}${time.padStart(10)}${rate.padStart(12)}${mb.padStart(8)}\n`);
    process.stdout.write(`\n${share('produce', 'encoding', encodeMs, producedMs)}\n${share('consume', 'decoding', decodeMs, consumedMs)}\n`);
    process.stdout.write(
      `\nend-to-end latency over ${latency.length} single messages: p50 ${percentile(latency, 50).toFixed(2)} ms, p99 ${percentile(latency, 99).toFixed(2)} ms\n`,
    );
  } finally {
    await broker.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
