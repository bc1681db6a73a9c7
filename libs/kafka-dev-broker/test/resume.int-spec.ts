import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { type Kafka } from 'kafkajs';
import { startDevBroker } from '../src';
import { type BrokerFixture, kafkaClient, startBrokerFixture, uniqueTopic, waitUntil } from './kafka-test-kit';

// jest's testTimeout only works globally, not per project; broker scenarios need more than 5 s.
jest.setTimeout(30000);

/** Runs a consumer of the group until `count` messages arrived, then stops it (committing on the way out). */
async function consumeAndStop(kafka: Kafka, groupId: string, topic: string, count: number): Promise<string[]> {
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100, heartbeatInterval: 200 });
  const values: string[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({ eachMessage: async ({ message }) => void values.push(message.value!.toString()) });
  await waitUntil(() => values.length >= count, 10000, `${count} messages for ${groupId}`);
  await consumer.disconnect();
  return values;
}

async function produce(kafka: Kafka, topic: string, values: string[], idempotent = false): Promise<void> {
  const producer = kafka.producer({ idempotent, maxInFlightRequests: idempotent ? 1 : undefined });
  await producer.connect();
  await producer.send({ topic, acks: -1, messages: values.map((value) => ({ key: value.slice(0, 1), value })) });
  await producer.disconnect();
}

describe('DevBroker resuming a consumer group', () => {
  let fixture: BrokerFixture;

  beforeAll(async () => {
    fixture = await startBrokerFixture();
  });

  afterAll(async () => {
    await fixture.broker.stop();
  });

  it('resumes after a consumer restart from the offsets it committed, without replaying', async () => {
    const topic = uniqueTopic('resume-consumer');
    const groupId = `${topic}-group`;
    await produce(fixture.kafka(), topic, ['a1', 'a2', 'b1']);
    expect((await consumeAndStop(fixture.kafka(), groupId, topic, 3)).sort()).toEqual(['a1', 'a2', 'b1']);

    await produce(fixture.kafka(), topic, ['a3', 'b2']);
    expect((await consumeAndStop(fixture.kafka(), groupId, topic, 2)).sort()).toEqual(['a3', 'b2']);
  });
});

describe('DevBroker restarted on the same data directory', () => {
  let dataDir: string;

  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kafka-dev-broker-'));
  });

  afterEach(() => {
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps topics, messages and committed offsets, so the group resumes where it was', async () => {
    const topic = uniqueTopic('resume-broker');
    const groupId = `${topic}-group`;
    const first = await startBrokerFixture({ dataDir });
    try {
      const admin = first.kafka().admin();
      await admin.connect();
      await admin.createTopics({ topics: [{ topic, numPartitions: 3 }] });
      await admin.disconnect();
      await produce(first.kafka(), topic, ['a1', 'b1', 'c1', 'a2'], true);
      expect(await consumeAndStop(first.kafka(), groupId, topic, 4)).toHaveLength(4);
      await produce(first.kafka(), topic, ['b2', 'c2'], true);
    } finally {
      await first.broker.stop();
    }

    const second = await startBrokerFixture({ dataDir, autoCreateTopics: false });
    try {
      const admin = second.kafka().admin();
      await admin.connect();
      const offsets = await admin.fetchTopicOffsets(topic);
      const committed = await admin.fetchOffsets({ groupId, topics: [topic] });
      await admin.disconnect();
      expect(offsets.reduce((total, p) => total + Number(p.high), 0)).toBe(6);
      expect(committed[0]!.partitions.reduce((total, p) => total + Math.max(0, Number(p.offset)), 0)).toBe(4);

      expect((await consumeAndStop(second.kafka(), groupId, topic, 2)).sort()).toEqual(['b2', 'c2']);
      await produce(second.kafka(), topic, ['a3'], true);
      const everything = await consumeAndStop(second.kafka(), `${groupId}-fresh`, topic, 7);
      expect(everything.sort()).toEqual(['a1', 'a2', 'a3', 'b1', 'b2', 'c1', 'c2']);
    } finally {
      await second.broker.stop();
    }
  });

  it('recovers from a torn write at the end of a segment, keeping every whole batch', async () => {
    const topic = uniqueTopic('torn');
    const first = await startBrokerFixture({ dataDir });
    try {
      const admin = first.kafka().admin();
      await admin.connect();
      await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] });
      await admin.disconnect();
      await produce(first.kafka(), topic, ['x1', 'x2']);
      await produce(first.kafka(), topic, ['x3']);
    } finally {
      await first.broker.stop();
    }
    // A crash in the middle of an append: half a batch header after the last whole batch.
    const segment = path.join(dataDir, 'topics', topic, '0.log');
    fs.appendFileSync(segment, Buffer.from('0000000000000003000000ff00', 'hex'));

    const logLines: string[] = [];
    const second = await startDevBroker({ port: 0, dataDir, logger: (line) => logLines.push(line) });
    try {
      expect(logLines.some((line) => line.includes('dropped a torn tail of 13 bytes'))).toBe(true);
      const kafka = kafkaClient(second.brokers);
      await produce(kafka, topic, ['x4']);
      expect(await consumeAndStop(kafka, `${topic}-reader`, topic, 4)).toEqual(['x1', 'x2', 'x3', 'x4']);
    } finally {
      await second.stop();
    }
  });

  it('refuses to start on a port that is taken, leaving the data directory usable', async () => {
    const first = await startDevBroker({ port: 0, dataDir });
    try {
      await expect(startDevBroker({ port: first.port, dataDir: fs.mkdtempSync(path.join(dataDir, 'other-')) })).rejects.toMatchObject({ code: 'EADDRINUSE' });
    } finally {
      await first.stop();
    }
    const again = await startDevBroker({ port: 0, dataDir });
    await again.stop();
  });
});

