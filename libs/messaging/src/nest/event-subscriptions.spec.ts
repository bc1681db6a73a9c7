import { EventSubscriptions } from './event-subscriptions';

describe(EventSubscriptions.name, () => {
  const handlers = { 'fieldforce.customers.customer.created.v1': async () => undefined };

  it('names each consumer group after the service and applies the service-wide consumer defaults', () => {
    const subscriptions = new EventSubscriptions({ service: 'visits', schema: 'visits', consumers: { maxAttempts: 3 } });
    subscriptions.subscribe('customer-read-model', handlers, { fromBeginning: false });
    expect(subscriptions.seal()).toEqual([
      { groupId: 'visits.customer-read-model', handlers, options: { maxAttempts: 3, fromBeginning: false } },
    ]);
  });

  it('refuses the same group twice and subscriptions after the consumers started', () => {
    const subscriptions = new EventSubscriptions({ service: 'visits', schema: 'visits' });
    subscriptions.subscribe('customer-read-model', handlers);
    expect(() => subscriptions.subscribe('customer-read-model', handlers)).toThrow(/subscribed twice/);
    subscriptions.seal();
    expect(() => subscriptions.subscribe('late', handlers)).toThrow(/after start/);
  });
});
