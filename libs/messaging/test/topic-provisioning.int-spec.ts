import { randomBytes } from 'node:crypto';
import { testKafka } from '@fieldforce/testing';
import { ensureTopics, KafkaClientFactory } from '../src';
import { testLogger } from './support/messaging-test-env';

describe(ensureTopics.name, () => {
  it('creates missing topics with their dead-letter topics, and tolerates replicas doing the same at once', async () => {
    const { brokers, topicPrefix } = testKafka();
    const prefix = `${topicPrefix}prov${randomBytes(3).toString('hex')}.`;
    const kafka = new KafkaClientFactory({ brokers, clientId: 'customers', topicPrefix: prefix }, testLogger());
    const admins = [kafka.createAdmin(), kafka.createAdmin()];
    await Promise.all(admins.map((admin) => admin.connect()));
    try {
      const topics = [kafka.topic('fieldforce.customers.customer.v1'), kafka.topic('fieldforce.customers.territory.v1')];
      const options = { partitions: 3, replicationFactor: 1 };
      await Promise.all(admins.map((admin) => ensureTopics(admin, topics, options)));

      const existing = await admins[0]!.listTopics();
      expect(existing).toEqual(expect.arrayContaining([...topics, ...topics.map((t) => `${t}.dlq`)]));
      const metadata = await admins[0]!.fetchTopicMetadata({ topics: [topics[0]!] });
      expect(metadata.topics[0]?.partitions).toHaveLength(3);
      expect(await ensureTopics(admins[1]!, topics, options)).toEqual([]);
    } finally {
      await Promise.all(admins.map((admin) => admin.disconnect()));
    }
  }, 60_000);
});
