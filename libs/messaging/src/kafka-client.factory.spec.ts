import { KafkaClientFactory } from './kafka-client.factory';

const silent = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

describe('KafkaClientFactory names', () => {
  it('prefixes topics and consumer groups alike, so environments sharing a cluster share neither', () => {
    const factory = new KafkaClientFactory({ brokers: ['127.0.0.1:9092'], clientId: 'visits', topicPrefix: 'staging.' }, silent);
    expect(factory.topic('fieldforce.customers.customer.v1')).toBe('staging.fieldforce.customers.customer.v1');
    expect(factory.consumerGroup('visits.customer-read-model')).toBe('staging.visits.customer-read-model');
  });

  it('leaves names alone without a prefix', () => {
    const factory = new KafkaClientFactory({ brokers: ['127.0.0.1:9092'], clientId: 'visits', topicPrefix: '' }, silent);
    expect(factory.consumerGroup('visits.customer-read-model')).toBe('visits.customer-read-model');
  });
});
