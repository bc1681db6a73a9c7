import { DEV_BROKER, kafkaSettingsFromEnv } from './kafka-settings';

describe(kafkaSettingsFromEnv.name, () => {
  it('uses the dev broker when KAFKA_BROKERS is unset', () => {
    expect(kafkaSettingsFromEnv('customers', {})).toEqual({ brokers: [DEV_BROKER], clientId: 'customers', topicPrefix: '' });
  });

  it('reads a comma list of brokers and the topic prefix', () => {
    const env = { KAFKA_BROKERS: 'kafka-0:9092, kafka-1.internal:9093', KAFKA_TOPIC_PREFIX: 'ci.42.' };
    expect(kafkaSettingsFromEnv('visits', env)).toEqual({
      brokers: ['kafka-0:9092', 'kafka-1.internal:9093'],
      clientId: 'visits',
      topicPrefix: 'ci.42.',
    });
  });

  it('stops with one line naming the variable on a bad value', () => {
    expect(() => kafkaSettingsFromEnv('visits', { KAFKA_BROKERS: 'kafka-0' })).toThrow(/^KAFKA_BROKERS must be .*"kafka-0"/);
    expect(() => kafkaSettingsFromEnv('visits', { KAFKA_TOPIC_PREFIX: 'a b' })).toThrow(/^KAFKA_TOPIC_PREFIX may contain only/);
  });
});
