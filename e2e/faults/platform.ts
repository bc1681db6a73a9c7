import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { SCHEMA_SERVICES, serviceRole } from '@fieldforce/persistence';
import {
  BrokerProcess,
  PLATFORM_SERVICES as SERVICES,
  type Platform,
  type PlatformService,
  type TestDatabase,
  createTestDatabase,
  runDbSetup,
  startPlatform,
  testRedis,
} from '@fieldforce/testing';

/** Every process of the platform: the services, then the gateway in front of them. */
export const PLATFORM_PROCESSES: readonly PlatformService[] = [...SERVICES, 'gateway'];
export type { PlatformService };

const START_TIMEOUT_MS = 180_000;

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * The whole platform (libs/testing's `startPlatform`) on a database and a broker of its own: its
 * own dev broker with a data directory, and its own database, so the faults disturb no other
 * test file. Restarted processes come back on their ports, where the gateway and sync expect them.
 */
export class FaultPlatform {
  private constructor(
    readonly database: TestDatabase,
    readonly broker: BrokerProcess,
    readonly topicPrefix: string,
    private readonly platform: Platform,
    private readonly uploadDir: string,
  ) {}

  /** The output of processes killed and replaced, which their successors' output no longer holds. */
  private readonly pastOutput: string[] = [];

  /** A database migrated by the real db:setup, a broker, and every process started and ready. */
  static async start(options: { topicPrefix: string; env?: Record<string, string> }): Promise<FaultPlatform> {
    const database = await createTestDatabase('faults');
    const uploadDir = mkdtempSync(path.join(tmpdir(), 'faults-uploads-'));
    let broker: BrokerProcess | undefined;
    try {
      await runDbSetup(database.adminUrl);
      broker = await BrokerProcess.start();
      const redis = testRedis();
      const platform = await startPlatform({
        databaseUrl: (service) => database.serviceUrl(service),
        kafka: { brokers: broker.brokers, topicPrefix: options.topicPrefix },
        redis: { url: redis.url, keyPrefix: `${redis.keyPrefix}faults:` },
        env: options.env,
        serviceEnv: {
          // Reps keep one token for a long run; an expiring one is handled too (401 → login again).
          permissions: { ACCESS_TOKEN_TTL_SECONDS: '3600' },
          sync: { SYNC_UPLOAD_DIR: uploadDir },
          // A steady load of a few devices, not the abuse the limits are for.
          gateway: { RATE_LIMIT_USER_PER_MINUTE: '1000000', RATE_LIMIT_IP_PER_MINUTE: '1000000', RATE_LIMIT_LOGIN_PER_MINUTE: '1000000' },
        },
        timeoutMs: START_TIMEOUT_MS,
      });
      return new FaultPlatform(database, broker, options.topicPrefix, platform, uploadDir);
    } catch (error) {
      await broker?.remove();
      rmSync(uploadDir, { recursive: true, force: true });
      await database.drop().catch(() => undefined);
      throw error;
    }
  }

  get gatewayUrl(): string {
    return this.platform.gateway.url;
  }

  url(name: PlatformService): string {
    return this.platform.url(name);
  }

  /** SIGKILL of one process, then the same service started again on its port (as a supervisor would). */
  async killAndRestart(name: PlatformService): Promise<string> {
    const { port, output } = this.platform.service(name);
    await this.platform.restart(name, { crash: true });
    this.pastOutput.push(output());
    return `SIGKILL of ${name}, the same service started again on port ${port}`;
  }

  /** Stops the broker with `signal` and starts it again on the same port with the same data directory. */
  async restartBroker(signal: 'SIGTERM' | 'SIGKILL', downMs: number): Promise<string> {
    const topics = this.broker.topicCount();
    await this.broker.halt(signal);
    await sleep(downMs);
    await this.broker.launch();
    return `broker stopped with ${signal}, down ${downMs} ms, started again on port ${this.broker.port} with the same data directory (${topics} topics in it)`;
  }

  /**
   * A Postgres outage. `restartCommand` given: the server itself is restarted with it (only where
   * nothing else depends on the server). Otherwise every backend of the services' roles on this
   * file's database is terminated, which is what the services see of a restart (every connection
   * cut, in the middle of whatever it did), without the server going away for other test files.
   */
  async postgresOutage(restartCommand: string | undefined): Promise<string> {
    if (restartCommand) {
      await new Promise<void>((resolve, reject) =>
        execFile('sh', ['-c', restartCommand], (error, stdout, stderr) => (error ? reject(new Error(`${restartCommand}: ${error.message}\n${stdout}${stderr}`)) : resolve())),
      );
      return `PostgreSQL server restarted: ${restartCommand}`;
    }
    const client = new Client({ connectionString: this.database.adminUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ terminated: boolean }>(
        `SELECT pg_terminate_backend(pid) AS terminated FROM pg_stat_activity
          WHERE datname = current_database() AND usename = ANY($1) AND pid <> pg_backend_pid()`,
        [SCHEMA_SERVICES.map(serviceRole)],
      );
      const terminated = rows.filter((row) => row.terminated).length;
      return `simulated PostgreSQL outage: pg_terminate_backend on all ${terminated} backends of the service roles in database ${this.database.name} (the server was not restarted)`;
    } finally {
      await client.end();
    }
  }

  /** The log lines of every process, killed ones included, that contain `text` (an error id). */
  linesContaining(text: string): string[] {
    const outputs = [...this.pastOutput, ...PLATFORM_PROCESSES.map((name) => this.platform.service(name).output())];
    return outputs.flatMap((output) => output.split('\n')).filter((line) => line.includes(text));
  }

  /** Each process's `/health/ready` status (0 when it does not answer). */
  async readiness(): Promise<Record<PlatformService, number>> {
    const entries = await Promise.all(
      PLATFORM_PROCESSES.map(async (name) => {
        try {
          const response = await fetch(`${this.url(name)}/health/ready`, { signal: AbortSignal.timeout(5_000) });
          await response.arrayBuffer();
          return [name, response.status] as const;
        } catch {
          return [name, 0] as const;
        }
      }),
    );
    return Object.fromEntries(entries) as Record<PlatformService, number>;
  }

  async allReady(): Promise<boolean> {
    return Object.values(await this.readiness()).every((status) => status === 200);
  }

  async stop(): Promise<void> {
    await this.platform.stop();
    await this.broker.remove();
    rmSync(this.uploadDir, { recursive: true, force: true });
    // As the run's own database: kept for a look after a failure with KEEP_TEST_DB=1.
    if (process.env.KEEP_TEST_DB !== '1') await this.database.drop();
  }
}
