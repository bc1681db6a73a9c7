import { type ChildProcess, spawn } from 'node:child_process';
import net, { type AddressInfo } from 'node:net';
import path from 'node:path';

const workspaceRoot = path.resolve(__dirname, '..', '..', '..');

/** A service running in its own process, started from its source as `npm run dev` starts it. */
export interface ServiceProcess {
  name: string;
  url: string;
  port: number;
  /** The process id, for CPU accounting. */
  pid: number;
  /** What the process printed, for failure messages. */
  output(): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit code or signal. */
  stop(graceMs?: number): Promise<number | string | null>;
  /** SIGKILL at once: a crash. */
  kill(): Promise<void>;
}

/** A TCP port that was free a moment ago. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function exited(child: ChildProcess): Promise<number | string | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode ?? child.signalCode);
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
}

/**
 * Starts `services/<name>/src/main.ts` with `env` on a free port and waits until its
 * `/health/ready` answers 200 (or `readyPath`), failing with the process output otherwise.
 */
export async function startServiceProcess(
  name: string,
  env: Record<string, string>,
  options: { readyPath?: string; timeoutMs?: number; port?: number } = {},
): Promise<ServiceProcess> {
  const port = options.port ?? (await freePort());
  const child = spawn(process.execPath, ['-r', '@swc-node/register', `services/${name}/src/main.ts`], {
    cwd: workspaceRoot,
    env: { ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'warn', ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString()).slice(-100_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const url = `http://127.0.0.1:${port}`;
  const service: ServiceProcess = {
    name,
    url,
    port,
    pid: child.pid ?? 0,
    output: () => output,
    stop: async (graceMs = 15_000) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      child.kill('SIGTERM');
      const result = await exited(child);
      clearTimeout(timer);
      return result;
    },
    kill: async () => {
      child.kill('SIGKILL');
      await exited(child);
    },
  };

  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${name} exited before it was ready:\n${output}`);
    }
    try {
      const response = await fetch(url + (options.readyPath ?? '/health/ready'));
      if (response.ok) return service;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await service.kill();
  throw new Error(`${name} was not ready within ${options.timeoutMs ?? 60_000} ms:\n${output}`);
}
