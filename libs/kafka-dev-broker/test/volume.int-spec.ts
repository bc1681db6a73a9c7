import { type BrokerFixture, startBrokerFixture, uniqueTopic, waitUntil } from './kafka-test-kit';

// jest's testTimeout only works globally, not per project; 100,000 messages through kafkajs take a while on 2 cores.
jest.setTimeout(120000);

const MESSAGES = 100_000;
const PARTITIONS = 6;
const KEYS = 500;
const PER_SEND = 2_000;

describe('DevBroker under volume', () => {
  let fixture: BrokerFixture;

  beforeAll(async () => {
    fixture = await startBrokerFixture();
  });

  afterAll(async () => {
    await fixture.broker.stop();
  });

  it(`delivers ${MESSAGES.toLocaleString('en')} messages across ${PARTITIONS} partitions with each key's order preserved`, async () => {
    const topic = uniqueTopic('volume');
    const kafka = fixture.kafka();
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS }] });

    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    for (let start = 0; start < MESSAGES; start += PER_SEND) {
      const messages = Array.from({ length: PER_SEND }, (_, i) => {
        const n = start + i;
        // The value carries the key's own sequence number, so order per key can be checked on arrival.
        return { key: `key-${n % KEYS}`, value: String(Math.floor(n / KEYS)) };
      });
      await producer.send({ topic, acks: -1, messages });
    }
    await producer.disconnect();

    const offsets = await admin.fetchTopicOffsets(topic);
    await admin.disconnect();
    expect(offsets.reduce((total, p) => total + Number(p.high), 0)).toBe(MESSAGES);
    expect(offsets.every((p) => Number(p.high) > 0)).toBe(true);

    const nextSequence = new Map<string, number>();
    const partitionOfKey = new Map<string, number>();
    const outOfOrder: string[] = [];
    let received = 0;
    const consumer = kafka.consumer({ groupId: `${topic}-group`, maxWaitTimeInMs: 100, maxBytesPerPartition: 256 * 1024 });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachBatch: async ({ batch }) => {
        for (const message of batch.messages) {
          const key = message.key!.toString();
          const sequence = Number(message.value!.toString());
          if (sequence !== (nextSequence.get(key) ?? 0)) outOfOrder.push(`${key}: got ${sequence}, expected ${nextSequence.get(key) ?? 0}`);
          if ((partitionOfKey.get(key) ?? batch.partition) !== batch.partition) outOfOrder.push(`${key} moved partition`);
          partitionOfKey.set(key, batch.partition);
          nextSequence.set(key, sequence + 1);
          received += 1;
        }
      },
    });
    try {
      await waitUntil(() => received >= MESSAGES, 90000, `${MESSAGES} messages`);
    } finally {
      await consumer.disconnect();
    }

    expect(outOfOrder.slice(0, 5)).toEqual([]);
    expect(received).toBe(MESSAGES);
    expect(nextSequence.size).toBe(KEYS);
    expect([...nextSequence.values()].every((next) => next === MESSAGES / KEYS)).toBe(true);
  });
});
