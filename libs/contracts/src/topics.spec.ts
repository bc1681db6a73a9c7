import { aggregateTopic, dlqTopic, isDlqTopic, Topics } from './topics';

describe('topics', () => {
  it('names one stream per aggregate', () => {
    expect(aggregateTopic('visits', 'task')).toBe('fieldforce.visits.task.v1');
    expect(Topics.customers.customer).toBe('fieldforce.customers.customer.v1');
  });

  it('appends .dlq for the dead-letter topic', () => {
    expect(dlqTopic('fieldforce.customers.customer.v1')).toBe('fieldforce.customers.customer.v1.dlq');
    expect(isDlqTopic(dlqTopic(Topics.customers.customer))).toBe(true);
    expect(isDlqTopic(Topics.customers.customer)).toBe(false);
  });
});
