import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { SCHEMA_SERVICES, type SchemaService, serviceRole } from '@fieldforce/persistence';
import { type ServiceProcess, type TestDatabase, createTestDatabase, freePort, startServiceProcess, testRedis } from '@fieldforce/testing';

const ROOT = path.resolve(__dirname, '..', '..');

/** Every process of the platform, in the order they start (permissions issues tokens, sync calls the owners, the gateway fronts them all). */
export const PLATFORM_SERVICES = ['permissions', 'customers', 'visits', 'checkins', 'sync', 'gateway'] as const;
export type PlatformService = (typeof PLATFORM_SERVICES)[number];

const START_TIMEOUT_MS = 180_000;

/** Runs a node script of the repository to its end with exactly `env`; rejects with its output when it fails. */
export function runScript(script: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', '@swc-node/register', script, ...args], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve(output) : reject(new Error(`${script} exited with ${code}:\n${output}`))));
  });
}

/**
 * The dev Kafka broker as a process of its own, keeping its log in a data directory, so it can be
 * stopped (or killed) and started again on the same port with everything it had acknowledged.
 */
export class BrokerProcess {
  private child: ChildProcess | undefined;
  private output = '';

  private constructor(
    readonly port: number,
    readonly dataDir: string,
  ) {}

  static async start(): Promise<BrokerProcess> {
    const broker = new BrokerProcess(await freePort(), mkdtempSync(path.join(tmpdir(), 'faults-kafka-')));
    await broker.launch();
    return broker;
  }

  get brokers(): string[] {
    return [`127.0.0.1:${this.port}`];
  }

  /** Starts the broker process on the port and data directory it had; resolves once it listens. */
  async launch(): Promise<void> {
    // The CLI's source (not a possibly stale build), as `npm run kafka:dev` runs it.
    const child = spawn(process.execPath, ['-r', '@swc-node/register', 'libs/kafka-dev-broker/src/cli.ts', '--port', String(this.port), '--data-dir', this.dataDir], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    this.output = '';
    const keep = (chunk: Buffer): void => {
      this.output = (this.output + chunk.toString()).slice(-20_000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (!this.output.includes('listening on')) {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`the dev broker exited at start:\n${this.output}`);
      if (Date.now() > deadline) throw new Error(`the dev broker did not listen within ${START_TIMEOUT_MS} ms:\n${this.output}`);
      await sleep(100);
    }
  }

  /** Stops the process with `signal` (SIGTERM: a clean stop, SIGKILL: a crash) and waits for its exit. */
  async halt(signal: 'SIGTERM' | 'SIGKILL'): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  }

  /** How many topics the data directory holds (what a restart must keep). */
  topicCount(): number {
    try {
      return readdirSync(path.join(this.dataDir, 'topics')).length;
    } catch {
      return 0;
    }
  }

  async remove(): Promise<void> {
    await this.halt('SIGTERM');
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}

/**
 * The whole platform as real processes on a database and a broker of its own: every service on a
 * fixed port (a restarted process comes back where the gateway and sync expect it), its own dev
 * broker with a data directory, and its own database, so the faults disturb no other test file.
 */
export class FaultPlatform {
  private readonly processes = new Map<PlatformService, ServiceProcess>();
  private readonly ports = new Map<PlatformService, number>();

  private constructor(
    readonly database: TestDatabase,
    readonly broker: BrokerProcess,
    readonly topicPrefix: string,
    private readonly extraEnv: Record<string, string>,
  ) {}

  /** A database migrated by the real db:setup, a broker, and every service started and ready. */
  static async start(options: { topicPrefix: string; env?: Record<string, string> }): Promise<FaultPlatform> {
    const database = await createTestDatabase('faults');
    let broker: BrokerProcess | undefined;
    try {
      await runScript('tools/db-setup.ts', [], { ...process.env, DATABASE_ADMIN_URL: database.adminUrl });
      broker = await BrokerProcess.start();
      const platform = new FaultPlatform(database, broker, options.topicPrefix, options.env ?? {});
      for (const name of PLATFORM_SERVICES) platform.ports.set(name, await freePort());
      // permissions first (the others fetch its JWKS), the owners side by side, then sync and the gateway.
      await platform.launch('permissions');
      await Promise.all((['customers', 'visits', 'checkins'] as const).map((name) => platform.launch(name)));
      await platform.launch('sync');
      await platform.launch('gateway');
      return platform;
    } catch (error) {
      await broker?.remove();
      await database.drop().catch(() => undefined);
      throw error;
    }
  }

  get gatewayUrl(): string {
    return this.url('gateway');
  }

  url(name: PlatformService): string {
    return `http://127.0.0.1:${this.ports.get(name)!}`;
  }

  /** The database URL a schema's service connects with (its own role). */
  serviceDatabaseUrl(service: SchemaService): string {
    return this.database.serviceUrl(service);
  }

  private env(name: PlatformService): Record<string, string> {
    const redis = testRedis();
    const shared = {
      KAFKA_BROKERS: this.broker.brokers.join(','),
      KAFKA_TOPIC_PREFIX: this.topicPrefix,
      REDIS_URL: redis.url,
      REDIS_KEY_PREFIX: `${redis.keyPrefix}faults:`,
      AUTH_JWKS_URL: `${this.url('permissions')}/.well-known/jwks.json`,
      // Owners verify photo uploads at sync.
      UPLOADS_URL: this.url('sync'),
      ...this.extraEnv,
    };
    switch (name) {
      case 'permissions':
        // Reps keep one token for a long run; an expiring one is handled too (401 → login again).
        return { ...shared, DATABASE_URL: this.serviceDatabaseUrl(name), ACCESS_TOKEN_TTL_SECONDS: '3600' };
      case 'customers':
      case 'visits':
      case 'checkins':
        return { ...shared, DATABASE_URL: this.serviceDatabaseUrl(name) };
      case 'sync':
        return {
          ...shared,
          DATABASE_URL: this.serviceDatabaseUrl(name),
          OWNER_CUSTOMERS_URL: this.url('customers'),
          OWNER_VISITS_URL: this.url('visits'),
          OWNER_CHECKINS_URL: this.url('checkins'),
        };
      case 'gateway':
        return {
          ...shared,
          ...Object.fromEntries(PLATFORM_SERVICES.filter((s) => s !== 'gateway').map((s) => [`UPSTREAM_${s.toUpperCase()}_URL`, this.url(s)])),
          RATE_LIMIT_USER_PER_MINUTE: '1000000',
          RATE_LIMIT_IP_PER_MINUTE: '1000000',
          RATE_LIMIT_LOGIN_PER_MINUTE: '1000000',
        };
      default: {
        const unknown: never = name;
        throw new Error(`unknown service ${String(unknown)}`);
      }
    }
  }

  private async launch(name: PlatformService): Promise<void> {
    const started = await startServiceProcess(name, this.env(name), { port: this.ports.get(name)!, timeoutMs: START_TIMEOUT_MS });
    this.processes.set(name, started);
  }

  /** SIGKILL of one service, then the same service started again on its port (as a supervisor would). */
  async killAndRestart(name: PlatformService): Promise<string> {
    const victim = this.processes.get(name);
    if (!victim) throw new Error(`${name} is not running`);
    await victim.kill();
    this.processes.delete(name);
    // Readiness is measured by the caller; a start that fails is a failed recovery.
    await this.launch(name);
    return `SIGKILL of ${name}, the same service started again on port ${victim.port}`;
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
      const roles = SCHEMA_SERVICES.map(serviceRole);
      const { rows } = await client.query<{ terminated: boolean }>(
        `SELECT pg_terminate_backend(pid) AS terminated FROM pg_stat_activity
          WHERE datname = current_database() AND usename = ANY($1) AND pid <> pg_backend_pid()`,
        [roles],
      );
      const terminated = rows.filter((row) => row.terminated).length;
      return `simulated PostgreSQL outage: pg_terminate_backend on all ${terminated} backends of the service roles in database ${this.database.name} (the server was not restarted)`;
    } finally {
      await client.end();
    }
  }

  /** Each process's `/health/ready` status (0 when it does not answer). */
  async readiness(): Promise<Record<PlatformService, number>> {
    const entries = await Promise.all(
      PLATFORM_SERVICES.map(async (name) => {
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

  /** The output of one process, for failure messages. */
  output(name: PlatformService): string {
    return this.processes.get(name)?.output() ?? '';
  }

  async stop(): Promise<void> {
    // The gateway first, so no request reaches a service on its way out.
    await this.processes.get('gateway')?.stop();
    await Promise.all([...this.processes].filter(([name]) => name !== 'gateway').map(([, service]) => service.stop()));
    this.processes.clear();
    await this.broker.remove();
    await this.database.drop();
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
