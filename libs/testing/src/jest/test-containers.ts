// The Docker path of the integration tests (TESTCONTAINERS=1 where a Docker engine answers):
// PostGIS, Redis and Apache Kafka in containers instead of the local servers and the dev broker.
import http from 'node:http';

export interface TestContainers {
  /** Superuser URL of the PostGIS server (maintenance database). */
  databaseServerUrl: string;
  redisUrl: string;
  kafkaBrokers: string;
  stop(): Promise<void>;
}

// The images docker-compose.yml runs, so tests meet what production meets.
const POSTGIS_IMAGE = 'postgis/postgis:16-3.4';
const REDIS_IMAGE = 'redis:7-alpine';
const KAFKA_IMAGE = 'confluentinc/cp-kafka:7.9.0';
// The KafkaContainer's listener for clients outside Docker.
const KAFKA_CLIENT_PORT = 9093;

/** True when TESTCONTAINERS=1 and a Docker engine answers its ping. */
export async function testcontainersRequested(): Promise<boolean> {
  if (process.env.TESTCONTAINERS !== '1') return false;
  if (await dockerEngineAnswers()) return true;
  process.stderr.write('[test] TESTCONTAINERS=1 but no Docker engine answers: using local PostgreSQL, Redis and the dev broker\n');
  return false;
}

/** Starts the three containers in parallel. */
export async function startTestContainers(): Promise<TestContainers> {
  // Loaded only on this path: machines without Docker never load testcontainers.
  const [{ PostgreSqlContainer }, { RedisContainer }, { KafkaContainer }] = await Promise.all([
    import('@testcontainers/postgresql'),
    import('@testcontainers/redis'),
    import('@testcontainers/kafka'),
  ]);
  const [postgres, redis, kafka] = await Promise.all([
    new PostgreSqlContainer(POSTGIS_IMAGE).withUsername('postgres').withPassword('postgres').withDatabase('postgres').start(),
    new RedisContainer(REDIS_IMAGE).start(),
    new KafkaContainer(KAFKA_IMAGE).withKraft().start(),
  ]);
  return {
    databaseServerUrl: `postgres://postgres:postgres@${postgres.getHost()}:${postgres.getPort()}/postgres`,
    redisUrl: redis.getConnectionUrl(),
    kafkaBrokers: `${kafka.getHost()}:${kafka.getMappedPort(KAFKA_CLIENT_PORT)}`,
    stop: async () => {
      await Promise.all([postgres.stop(), redis.stop(), kafka.stop()]);
    },
  };
}

function dockerEngineAnswers(): Promise<boolean> {
  const dockerHost = process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock';
  const target: http.RequestOptions = dockerHost.startsWith('unix://')
    ? { socketPath: dockerHost.slice('unix://'.length) }
    : { host: new URL(dockerHost).hostname, port: Number(new URL(dockerHost).port || 2375) };
  return new Promise((resolve) => {
    const request = http.get({ ...target, path: '/_ping', timeout: 2000 }, (response) => {
      response.resume();
      resolve(response.statusCode === 200);
    });
    request.once('error', () => resolve(false));
    request.once('timeout', () => {
      request.destroy();
      resolve(false);
    });
  });
}
