import { parseArgs } from './dlq-replay';

describe('dlq:replay arguments', () => {
  it('reads the topic and the flags', () => {
    expect(parseArgs(['fieldforce.customers.customer.v1'])).toEqual({ topic: 'fieldforce.customers.customer.v1' });
    expect(parseArgs(['t.v1.dlq', '--group', 'visits.customers', '--limit', '10', '--dry-run'])).toEqual({
      topic: 't.v1.dlq',
      consumerGroup: 'visits.customers',
      limit: 10,
      dryRun: true,
    });
  });

  it('refuses a missing topic, an unknown flag and flags without their values', () => {
    for (const argv of [[], ['--dry-run'], ['t', '--force'], ['t', '--group'], ['t', '--limit', 'ten'], ['t', '--limit', '-1']]) {
      expect(parseArgs(argv)).toBeUndefined();
    }
  });
});
