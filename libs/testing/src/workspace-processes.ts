import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from './service-process';

const workspaceRoot = path.resolve(__dirname, '..', '..', '..');
const BROKER_START_TIMEOUT_MS = 180_000;

/**
 * Runs a workspace script from its source (`node -r @swc-node/register <script>`, as the npm
 * scripts do) to its end; resolves with what it printed, rejects with that output on a non-zero exit.
 */
export function runWorkspaceScript(script: string, args: readonly string[] = [], env: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', '@swc-node/register', script, ...args], {
      cwd: workspaceRoot,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve(output) : reject(new Error(`${script} exited with ${code}:\n${output}`))));
  });
}

/** `npm run db:setup` on the database of `adminUrl`: roles, schemas, extensions and every service's migrations. */
export async function runDbSetup(adminUrl: string): Promise<void> {
  await runWorkspaceScript('tools/db-setup.ts', [], { DATABASE_ADMIN_URL: adminUrl });
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

  /** A broker on a free port and a new data directory, removed again by `remove()`. */
  static async start(): Promise<BrokerProcess> {
    const broker = new BrokerProcess(await freePort(), mkdtempSync(path.join(tmpdir(), 'fieldforce-kafka-')));
    try {
      await broker.launch();
    } catch (error) {
      await broker.remove();
      throw error;
    }
    return broker;
  }

  get brokers(): string[] {
    return [`127.0.0.1:${this.port}`];
  }

  /** The running process's id (for CPU accounting), undefined while it is stopped. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Starts the broker process on the port and data directory it had; resolves once it listens. */
  async launch(): Promise<void> {
    // The CLI's source (not a possibly stale build), as `npm run kafka:dev` runs it.
    const child = spawn(process.execPath, ['-r', '@swc-node/register', 'libs/kafka-dev-broker/src/cli.ts', '--port', String(this.port), '--data-dir', this.dataDir], {
      cwd: workspaceRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    this.output = '';
    const keep = (chunk: Buffer): void => {
      this.output = (this.output + chunk.toString()).slice(-20_000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    const deadline = Date.now() + BROKER_START_TIMEOUT_MS;
    while (!this.output.includes('listening on')) {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`the dev broker exited at start:\n${this.output}`);
      if (Date.now() > deadline) throw new Error(`the dev broker did not listen within ${BROKER_START_TIMEOUT_MS} ms:\n${this.output}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
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

  /** Stops the broker and deletes its data directory. */
  async remove(): Promise<void> {
    await this.halt('SIGTERM');
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}
