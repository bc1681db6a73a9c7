/** How a service reaches Kafka. */
export interface KafkaSettings {
  /** `host:port` of the bootstrap brokers. */
  brokers: string[];
  /** Kafka client id; the service name. */
  clientId: string;
  /** Prepended to every topic name, so runs sharing one broker never see each other's records. */
  topicPrefix: string;
}

/** The dev broker `npm run dev` starts when KAFKA_BROKERS is unset. */
export const DEV_BROKER = '127.0.0.1:9092';

const BROKER = /^[A-Za-z0-9.-]+:\d{1,5}$/;
const TOPIC_PREFIX = /^[A-Za-z0-9._-]*$/;

/** Reads KAFKA_BROKERS (comma list, default the dev broker) and KAFKA_TOPIC_PREFIX; throws one clear line on a bad value. */
export function kafkaSettingsFromEnv(clientId: string, env: NodeJS.ProcessEnv = process.env): KafkaSettings {
  const raw = env.KAFKA_BROKERS?.trim() || DEV_BROKER;
  const brokers = raw
    .split(',')
    .map((b) => b.trim())
    .filter((b) => b.length > 0);
  const bad = brokers.find((b) => !BROKER.test(b));
  if (brokers.length === 0 || bad !== undefined) {
    throw new Error(`KAFKA_BROKERS must be a comma-separated list of host:port, got "${raw}"`);
  }
  const topicPrefix = env.KAFKA_TOPIC_PREFIX ?? '';
  if (!TOPIC_PREFIX.test(topicPrefix)) {
    throw new Error(`KAFKA_TOPIC_PREFIX may contain only letters, digits, ".", "_" and "-", got "${topicPrefix}"`);
  }
  return { brokers, clientId, topicPrefix };
}
