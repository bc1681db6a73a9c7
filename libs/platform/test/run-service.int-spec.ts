import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { runService } from '../src';

const ROOT = path.resolve(__dirname, '../../..');
const SAMPLE_MAIN = path.join(__dirname, 'fixtures', 'sample-main.ts');

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function runSampleMain(env: Record<string, string>, afterStart?: (output: string) => boolean): Promise<Exit> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', '@swc-node/register', SAMPLE_MAIN], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', ...env },
    });
    let stdout = '';
    let stderr = '';
    let signalled = false;
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (!signalled && afterStart?.(stdout)) {
        signalled = true;
        child.kill('SIGTERM');
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

describe(runService.name, () => {
  it('prints one line naming each bad variable and exits 1, without a stack trace', async () => {
    const exit = await runSampleMain({ PORT: 'abc', LOG_LEVEL: 'loud' });

    expect(exit.code).toBe(1);
    expect(exit.stderr).toBe(
      'invalid configuration: LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent (got "loud"); ' +
        'PORT must be an integer between 1 and 65535 (got "abc")\n',
    );
    expect(exit.stdout).toBe('');
  });

  it('listens on the configured port and stops on SIGTERM', async () => {
    const port = await freePort();
    const exit = await runSampleMain({ PORT: String(port), HOST: '127.0.0.1' }, (output) =>
      output.includes('listening on'),
    );

    expect(exit.stdout).toContain(`sample listening on http://127.0.0.1:${port}`);
    expect(exit.signal).toBe('SIGTERM');
  });
});
