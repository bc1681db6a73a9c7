/**
 * `npm run dev`: the whole platform on a developer machine.
 * Checks Postgres and Redis, starts the dev Kafka broker when KAFKA_BROKERS is unset,
 * runs db:setup and the demo seed (tenant `demo`, administrator `admin`), starts every service
 * and the gateway with prefixed logs, waits until all are ready, and stops everything cleanly on Ctrl-C.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import readline from 'node:readline';
import { startDevBroker, type DevBroker } from '@fieldforce/kafka-dev-broker';
import { SERVICE_PORTS, type ServiceName } from './service-ports';

const root = path.resolve(__dirname, '..');
const databaseHost = process.env.DEV_DATABASE_HOST ?? '127.0.0.1';
const readyTimeoutMs = 90_000;
const colors = ['\x1b[36m', '\x1b[35m', '\x1b[33m', '\x1b[32m', '\x1b[34m', '\x1b[31m'];
const reset = '\x1b[0m';

const children: { name: string; process: ChildProcess }[] = [];
let broker: DevBroker | undefined;
let stopping = false;

function log(line: string): void {
  process.stdout.write(`[dev] ${line}\n`);
}

function portAnswers(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.setTimeout(1000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

async function checkDependencies(): Promise<void> {
  const redisUrl = new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const problems: string[] = [];
  if (!(await portAnswers(databaseHost, 5432))) {
    problems.push(
      `PostgreSQL does not answer on ${databaseHost}:5432. Start it with:\n` +
        `    pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start\n` +
        `  (or: bash ../shared/ci-services.sh, or docker compose up -d postgres)`,
    );
  }
  if (!(await portAnswers(redisUrl.hostname, Number(redisUrl.port || 6379)))) {
    problems.push(
      `Redis does not answer on ${redisUrl.host}. Start it with:\n` +
        `    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no\n` +
        `  (or: docker compose up -d redis)`,
    );
  }
  if (problems.length > 0) {
    for (const problem of problems) process.stderr.write(`[dev] ${problem}\n`);
    process.exit(1);
  }
}

/** Turns a pino JSON line into a short human line; other lines pass through unchanged. */
function formatLogLine(line: string): string {
  if (!line.startsWith('{')) return line;
  try {
    const entry = JSON.parse(line) as Record<string, unknown>;
    const levels: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO ', 40: 'WARN ', 50: 'ERROR', 60: 'FATAL' };
    const time = typeof entry.time === 'number' ? new Date(entry.time).toISOString().slice(11, 23) : '';
    const level = levels[Number(entry.level)] ?? String(entry.level);
    const req = entry.req as { method?: string; url?: string } | undefined;
    const res = entry.res as { statusCode?: number } | undefined;
    const http = req?.method ? ` ${req.method} ${req.url ?? ''}${res?.statusCode ? ` ${res.statusCode}` : ''}` : '';
    const err = entry.err as { message?: string } | undefined;
    return `${time} ${level} ${typeof entry.msg === 'string' ? entry.msg : ''}${http}${err?.message ? ` (${err.message})` : ''}`;
  } catch {
    return line;
  }
}

function pipeWithPrefix(name: string, color: string, stream: NodeJS.ReadableStream | null, out: NodeJS.WriteStream): void {
  if (!stream) return;
  const prefix = `${color}[${name.padEnd(11)}]${reset} `;
  readline.createInterface({ input: stream }).on('line', (line) => out.write(prefix + formatLogLine(line) + '\n'));
}

function runOnce(name: string, script: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', '@swc-node/register', script, ...args], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    pipeWithPrefix(name, '\x1b[90m', child.stdout, process.stdout);
    pipeWithPrefix(name, '\x1b[90m', child.stderr, process.stderr);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${name} exited with code ${code}`))));
  });
}

function startService(name: ServiceName, index: number, env: NodeJS.ProcessEnv): void {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', `services/${name}/src/main.ts`], {
    cwd: root,
    env: { ...env, PORT: String(SERVICE_PORTS[name]) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const color = colors[index % colors.length] ?? '';
  pipeWithPrefix(name, color, child.stdout, process.stdout);
  pipeWithPrefix(name, color, child.stderr, process.stderr);
  child.once('exit', (code, signal) => {
    if (!stopping) {
      log(`${name} exited (${signal ?? code}); stopping the platform`);
      void shutdown(1);
    }
  });
  children.push({ name, process: child });
}

async function waitForReady(url: string): Promise<boolean> {
  const deadline = Date.now() + readyTimeoutMs;
  while (Date.now() < deadline && !stopping) {
    try {
      const response = await fetch(url);
      if (response.ok) return true;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return false;
}

async function shutdown(exitCode: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  log('stopping…');
  await Promise.all(
    children.map(
      ({ process: child }) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          const killTimer = setTimeout(() => child.kill('SIGKILL'), 15_000);
          child.once('exit', () => {
            clearTimeout(killTimer);
            resolve();
          });
          child.kill('SIGTERM');
        }),
    ),
  );
  await broker?.stop();
  log('stopped');
  process.exit(exitCode);
}

async function main(): Promise<void> {
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));
  await checkDependencies();

  const env: NodeJS.ProcessEnv = { NODE_ENV: 'development', ...process.env };
  if (!env.KAFKA_BROKERS) {
    broker = await startDevBroker({ port: 9092, dataDir: path.join(root, '.data', 'kafka'), logger: (line) => log(`kafka: ${line}`) });
    env.KAFKA_BROKERS = broker.brokers.join(',');
    log(`dev Kafka broker on ${env.KAFKA_BROKERS} (data in .data/kafka)`);
  }

  await runOnce('db:setup', 'tools/db-setup.ts', [], env);
  // Tenant `demo` with its administrator `admin` (password DEMO_ADMIN_PASSWORD); idempotent.
  await runOnce('seed:demo', 'services/permissions/src/cli/seed-demo.ts', [], env);

  const services = Object.keys(SERVICE_PORTS) as ServiceName[];
  services.forEach((name, index) => startService(name, index, env));

  const gatewayUrl = `http://127.0.0.1:${SERVICE_PORTS.gateway}`;
  const ready = await Promise.all(services.map((name) => waitForReady(`http://127.0.0.1:${SERVICE_PORTS[name]}/health/ready`)));
  const late = services.filter((_, index) => !ready[index]);
  if (late.length > 0) {
    log(`not ready within ${readyTimeoutMs / 1000}s: ${late.join(', ')}`);
    return shutdown(1);
  }
  log('fieldforce is running:');
  log(`  API gateway   ${gatewayUrl}/api/v1`);
  log(`  API docs      ${gatewayUrl}/docs`);
  for (const name of services.filter((service) => service !== 'gateway')) {
    log(`  ${name.padEnd(13)} http://127.0.0.1:${SERVICE_PORTS[name]}  (health: /health/ready, metrics: /metrics)`);
  }
  log(`  Kafka         ${env.KAFKA_BROKERS}`);
  log(`Demo tenant "demo": log in as admin / ${env.DEMO_ADMIN_PASSWORD ?? 'fieldforce-demo'} with POST ${gatewayUrl}/api/v1/auth/login`);
  log('Ctrl-C stops everything.');
}

main().catch((error: unknown) => {
  process.stderr.write(`[dev] ${error instanceof Error ? error.message : String(error)}\n`);
  void shutdown(1);
});
