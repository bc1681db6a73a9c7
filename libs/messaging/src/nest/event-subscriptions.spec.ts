import { EventSubscriptions } from './event-subscriptions';

describe(EventSubscriptions.name, () => {
  const handlers = { 'fieldforce.customers.customer.created.v1': async () => undefined };
  const kafka = { brokers: ['127.0.0.1:9092'], clientId: 'visits', topicPrefix: '' };

  it('names each consumer group after the service and applies the service-wide consumer defaults', () => {
    const subscriptions = new EventSubscriptions({ service: 'visits', schema: 'visits', kafka, consumers: { maxAttempts: 3 } });
    subscriptions.subscribe('customer-read-model', handlers, { fromBeginning: false });
    expect(subscriptions.seal()).toEqual([
      { groupId: 'visits.customer-read-model', handlers, options: { maxAttempts: 3, fromBeginning: false } },
    ]);
  });

  it('refuses the same group twice and subscriptions after the consumers started', () => {
    const subscriptions = new EventSubscriptions({ service: 'visits', schema: 'visits', kafka });
    subscriptions.subscribe('customer-read-model', handlers);
    expect(() => subscriptions.subscribe('customer-read-model', handlers)).toThrow(/subscribed twice/);
    subscriptions.seal();
    expect(() => subscriptions.subscribe('late', handlers)).toThrow(/after start/);
  });
});
