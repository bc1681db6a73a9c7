import { CompressionTypes } from 'kafkajs';
import { type BrokerFixture, consumeMessages, startBrokerFixture, uniqueTopic } from './kafka-test-kit';

// jest's testTimeout only works globally, not per project; broker scenarios need more than 5 s.
jest.setTimeout(30000);

describe('DevBroker producer path', () => {
  let fixture: BrokerFixture;

  beforeAll(async () => {
    fixture = await startBrokerFixture();
  });

  afterAll(async () => {
    await fixture.broker.stop();
  });

  it.each([
    { acks: -1, name: 'all' },
    { acks: 1, name: 'leader' },
  ])('acknowledges acks=$acks ($name) with consecutive offsets that a consumer reads back', async ({ acks }) => {
    const topic = uniqueTopic('acks');
    const producer = fixture.kafka().producer();
    await producer.connect();
    const first = await producer.send({ topic, acks, messages: [{ key: 'k', value: 'one' }, { key: 'k', value: 'two' }] });
    const second = await producer.send({ topic, acks, messages: [{ key: 'k', value: 'three' }] });
    await producer.disconnect();

    expect(first).toHaveLength(1);
    expect(second[0]!.partition).toBe(first[0]!.partition);
    expect(Number(second[0]!.baseOffset)).toBe(Number(first[0]!.baseOffset) + 2);
    const messages = await consumeMessages(fixture.kafka(), topic, 3);
    expect(messages.map((m) => [m.offset, m.value])).toEqual([
      ['0', 'one'],
      ['1', 'two'],
      ['2', 'three'],
    ]);
  });

  it('stores messages sent with acks=0 although it sends no response', async () => {
    const topic = uniqueTopic('acks0');
    const admin = fixture.kafka().admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] });
    const producer = fixture.kafka().producer();
    await producer.connect();
    const result = await producer.send({ topic, acks: 0, messages: [{ value: 'fire' }, { value: 'forget' }] });
    // A request sent after acks=0 ones on the same connection is answered, so they were all read in order.
    await producer.send({ topic, acks: -1, messages: [{ value: 'confirmed' }] });
    await producer.disconnect();
    const offsets = await admin.fetchTopicOffsets(topic);
    await admin.disconnect();

    expect(result).toEqual([]);
    expect(offsets).toEqual([{ partition: 0, offset: '3', high: '3', low: '0' }]);
    const messages = await consumeMessages(fixture.kafka(), topic, 3);
    expect(messages.map((m) => m.value)).toEqual(['fire', 'forget', 'confirmed']);
  });

  it('passes gzip-compressed batches through untouched for the consumer to decompress', async () => {
    const topic = uniqueTopic('gzip');
    const producer = fixture.kafka().producer();
    await producer.connect();
    const values = Array.from({ length: 50 }, (_, i) => `compressed message ${i} `.repeat(20));
    await producer.send({ topic, compression: CompressionTypes.GZIP, messages: values.map((value) => ({ key: 'same-key', value })) });
    await producer.disconnect();

    const messages = await consumeMessages(fixture.kafka(), topic, values.length);
    expect(messages.map((m) => m.value)).toEqual(values);
    expect(messages.map((m) => Number(m.offset))).toEqual(values.map((_, i) => i));
  });

  it('accepts an idempotent producer and keeps its sequences per partition', async () => {
    const topic = uniqueTopic('idempotent');
    const producer = fixture.kafka().producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    for (let i = 0; i < 5; i++) {
      await producer.send({ topic, acks: -1, messages: [{ key: `key-${i % 3}`, value: `v${i}` }, { key: `key-${(i + 1) % 3}`, value: `w${i}` }] });
    }
    await producer.disconnect();

    const messages = await consumeMessages(fixture.kafka(), topic, 10);
    expect(messages.map((m) => m.value).sort()).toEqual(
      Array.from({ length: 5 }, (_, i) => [`v${i}`, `w${i}`]).flat().sort(),
    );
  });

  it('fails only producer.transaction(), with UNSUPPORTED_VERSION, while plain sends keep working', async () => {
    const topic = uniqueTopic('transactions');
    const producer = fixture.kafka().producer({ transactionalId: `${topic}-tx`, idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();

    await expect(producer.transaction()).rejects.toMatchObject({ type: 'UNSUPPORTED_VERSION' });
    await expect(producer.send({ topic, messages: [{ value: 'still works' }] })).resolves.toHaveLength(1);
    await producer.disconnect();
  });
});
