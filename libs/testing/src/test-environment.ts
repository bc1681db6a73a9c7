// Readers for what libs/testing's jest global setup exported to the workers.
import { randomBytes } from 'node:crypto';

// Jest loads this module once per test file, so this is the file's own Kafka namespace: its
// services' topics and consumer groups are its own. A process an earlier file killed leaves a
// group member behind until its session times out; in a shared group that member would hold
// the partitions a later file's consumer waits for.
const FILE_NAMESPACE = `f${randomBytes(4).toString('hex')}.`;

/** The Kafka broker and topic prefix of this test run. */
export interface TestKafka {
  brokers: string[];
  /** Prepend to every topic and consumer group name: unique to the test file (and to the run on a shared broker). */
  topicPrefix: string;
}

/** The Redis server and the key prefix reserved for this test run. */
export interface TestRedis {
  url: string;
  keyPrefix: string;
}

function required(name: string): string {
  const value = process.env[name];
  if (value === undefined) {
    throw new Error(`${name} is not set: run integration tests through jest's integration project (npm run test:int)`);
  }
  return value;
}

/** This run's id (`<timestamp>_<pid>`), for unique names of test resources. */
export function testRunId(): string {
  return required('FIELDFORCE_TEST_RUN_ID');
}

/** This run's Kafka; throws a clear error when the dev broker could not start. */
export function testKafka(): TestKafka {
  const brokers = process.env.KAFKA_BROKERS;
  if (!brokers) {
    throw new Error('no Kafka broker for this test run: the dev broker did not start (see the warning at the top)');
  }
  return { brokers: brokers.split(','), topicPrefix: `${process.env.KAFKA_TOPIC_PREFIX ?? ''}${FILE_NAMESPACE}` };
}

/** This run's Redis and key prefix. */
export function testRedis(): TestRedis {
  return { url: required('REDIS_URL'), keyPrefix: required('REDIS_KEY_PREFIX') };
}
