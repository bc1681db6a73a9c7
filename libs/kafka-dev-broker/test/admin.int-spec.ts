import { AssignerProtocol, type Admin } from 'kafkajs';
import { type BrokerFixture, startBrokerFixture, uniqueTopic, waitUntil } from './kafka-test-kit';

// jest's testTimeout only works globally, not per project; broker scenarios need more than 5 s.
jest.setTimeout(30000);

describe('DevBroker admin operations', () => {
  let fixture: BrokerFixture;
  let admin: Admin;

  beforeAll(async () => {
    fixture = await startBrokerFixture({ defaultPartitions: 5 });
    admin = fixture.kafka().admin();
    await admin.connect();
  });

  afterAll(async () => {
    await admin.disconnect();
    await fixture.broker.stop();
  });

  it('creates a topic once, answers false the second time, and describes its partitions', async () => {
    const topic = uniqueTopic('admin-create');
    expect(await admin.createTopics({ topics: [{ topic, numPartitions: 4, replicationFactor: 1 }] })).toBe(true);
    expect(await admin.createTopics({ topics: [{ topic, numPartitions: 4 }] })).toBe(false);

    const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
    expect(topics).toEqual([
      {
        name: topic,
        partitions: [0, 1, 2, 3].map((partitionId) => ({
          partitionErrorCode: 0,
          partitionId,
          leader: 1,
          replicas: [1],
          isr: [1],
          offlineReplicas: [],
        })),
      },
    ]);
    expect(await admin.listTopics()).toContain(topic);
  });

  it('refuses an illegal topic name', async () => {
    await expect(admin.createTopics({ topics: [{ topic: 'has spaces' }] })).rejects.toMatchObject({
      errors: [expect.objectContaining({ type: 'INVALID_TOPIC_EXCEPTION' })],
    });
  });

  it('auto-creates a topic a producer writes to, with the default partition count', async () => {
    const topic = uniqueTopic('admin-auto');
    const producer = fixture.kafka().producer();
    await producer.connect();
    await producer.send({ topic, messages: [{ value: 'x' }] });
    await producer.disconnect();
    const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
    expect(topics[0]!.partitions).toHaveLength(5);
  });

  it('reports low and high offsets per partition, and offsets by timestamp', async () => {
    const topic = uniqueTopic('admin-offsets');
    await admin.createTopics({ topics: [{ topic, numPartitions: 2 }] });
    const producer = fixture.kafka().producer();
    await producer.connect();
    await producer.send({ topic, messages: [{ partition: 0, value: 'a', timestamp: '1000' }, { partition: 0, value: 'b', timestamp: '1000' }] });
    await producer.send({ topic, messages: [{ partition: 0, value: 'c', timestamp: '5000' }] });
    await producer.disconnect();

    expect(await admin.fetchTopicOffsets(topic)).toEqual([
      { partition: 0, offset: '3', high: '3', low: '0' },
      { partition: 1, offset: '0', high: '0', low: '0' },
    ]);
    expect(await admin.fetchTopicOffsetsByTimestamp(topic, 3000)).toEqual([
      { partition: 0, offset: '2' },
      { partition: 1, offset: '0' },
    ]);
  });

  it('shows a running group, its members and assignments, and its committed offsets', async () => {
    const topic = uniqueTopic('admin-groups');
    const groupId = `${topic}-group`;
    await admin.createTopics({ topics: [{ topic, numPartitions: 2 }] });
    const producer = fixture.kafka().producer();
    await producer.connect();
    await producer.send({ topic, messages: [{ partition: 0, value: 'a' }, { partition: 1, value: 'b' }] });
    await producer.disconnect();

    const consumer = fixture.kafka({ clientId: 'described-client' }).consumer({ groupId, maxWaitTimeInMs: 100, heartbeatInterval: 200 });
    let consumed = 0;
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async () => void (consumed += 1) });
    await waitUntil(() => consumed === 2, 10000, 'both messages');

    const { groups } = await admin.describeGroups([groupId]);
    expect(groups[0]).toMatchObject({ groupId, state: 'Stable', protocolType: 'consumer', protocol: 'RoundRobinAssigner' });
    expect(groups[0]!.members).toHaveLength(1);
    expect(groups[0]!.members[0]).toMatchObject({ clientId: 'described-client', clientHost: '/127.0.0.1' });
    expect(AssignerProtocol.MemberAssignment.decode(groups[0]!.members[0]!.memberAssignment)?.assignment).toEqual({ [topic]: [0, 1] });
    expect((await admin.listGroups()).groups).toContainEqual({ groupId, protocolType: 'consumer' });

    await consumer.disconnect();
    const expected = [
      { partition: 0, offset: '1', metadata: null },
      { partition: 1, offset: '1', metadata: null },
    ];
    expect(await admin.fetchOffsets({ groupId, topics: [topic] })).toEqual([{ topic, partitions: expected }]);
    // No topics asks the broker for every offset the group committed (a null topic list).
    expect(await admin.fetchOffsets({ groupId })).toEqual([{ topic, partitions: expected }]);
    expect((await admin.describeGroups([groupId])).groups[0]).toMatchObject({ state: 'Empty', members: [] });
  });

  it('sets a group offset through a group join, which the next consumer starts from', async () => {
    const topic = uniqueTopic('admin-set-offsets');
    const groupId = `${topic}-group`;
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] });
    const producer = fixture.kafka().producer();
    await producer.connect();
    await producer.send({ topic, messages: ['a', 'b', 'c', 'd'].map((value) => ({ value })) });
    await producer.disconnect();

    await admin.setOffsets({ groupId, topic, partitions: [{ partition: 0, offset: '2' }] });
    expect(await admin.fetchOffsets({ groupId, topics: [topic] })).toEqual([{ topic, partitions: [{ partition: 0, offset: '2', metadata: null }] }]);

    const consumer = fixture.kafka().consumer({ groupId, maxWaitTimeInMs: 100 });
    const values: string[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void values.push(message.value!.toString()) });
    await waitUntil(() => values.length === 2, 10000, 'the messages after the set offset');
    await consumer.disconnect();
    expect(values).toEqual(['c', 'd']);
  });

  it('deletes a topic together with the offsets groups committed for it', async () => {
    const topic = uniqueTopic('admin-delete');
    const groupId = `${topic}-group`;
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] });
    const producer = fixture.kafka().producer();
    await producer.connect();
    await producer.send({ topic, messages: [{ value: 'soon gone' }] });
    await producer.disconnect();
    const consumer = fixture.kafka().consumer({ groupId, maxWaitTimeInMs: 100 });
    let consumed = 0;
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async () => void (consumed += 1) });
    await waitUntil(() => consumed === 1, 10000, 'the message');
    await consumer.disconnect();
    expect(await admin.fetchOffsets({ groupId })).toEqual([{ topic, partitions: [{ partition: 0, offset: '1', metadata: null }] }]);

    await admin.deleteTopics({ topics: [topic] });
    expect(await admin.listTopics()).not.toContain(topic);
    expect(await admin.fetchOffsets({ groupId })).toEqual([]);
  });
});

describe('DevBroker without topic auto-creation', () => {
  let fixture: BrokerFixture;

  beforeAll(async () => {
    fixture = await startBrokerFixture({ autoCreateTopics: false });
  });

  afterAll(async () => {
    await fixture.broker.stop();
  });

  it('answers UNKNOWN_TOPIC_OR_PARTITION for a topic nobody created, as production Kafka would', async () => {
    const admin = fixture.kafka({ retry: { retries: 0 } }).admin();
    await admin.connect();
    await expect(admin.fetchTopicMetadata({ topics: ['never-created'] })).rejects.toMatchObject({ type: 'UNKNOWN_TOPIC_OR_PARTITION' });
    expect(await admin.listTopics()).toEqual([]);
    await admin.disconnect();
  });
});
