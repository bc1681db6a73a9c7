import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { kafkaClient } from './kafka-test-kit';

// jest's testTimeout only works globally, not per project; starting a node process with swc takes a few seconds.
jest.setTimeout(30000);

/** The command `npm ci` links for the workspace package, as `npx fieldforce-kafka-dev` runs it. */
const BIN = path.join(__dirname, '..', '..', '..', 'node_modules', '.bin', 'fieldforce-kafka-dev');

function runCli(args: string[]): { child: ChildProcessWithoutNullStreams; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [BIN, ...args]);
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

async function waitForOutput(output: () => string, pattern: RegExp): Promise<RegExpMatchArray> {
  const deadline = Date.now() + 20000;
  for (;;) {
    const match = output().match(pattern);
    if (match !== null) return match;
    if (Date.now() > deadline) throw new Error(`no ${pattern} in CLI output:\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('fieldforce-kafka-dev CLI', () => {
  let dataDir: string;

  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kafka-dev-cli-'));
  });

  afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('logs the address it listens on, serves kafkajs, and exits 0 on SIGTERM', async () => {
    const cli = runCli(['--port', '0', '--data-dir', dataDir, '--partitions', '2']);
    try {
      const [, port] = await waitForOutput(cli.output, /listening on 127\.0\.0\.1:(\d+)/);
      const admin = kafkaClient([`127.0.0.1:${port}`]).admin();
      await admin.connect();
      await admin.createTopics({ topics: [{ topic: 'from-cli' }] });
      const { topics } = await admin.fetchTopicMetadata({ topics: ['from-cli'] });
      await admin.disconnect();
      expect(topics[0]!.partitions).toHaveLength(2);
    } finally {
      cli.child.kill('SIGTERM');
    }
    expect(await cli.exited).toBe(0);
    expect(cli.output()).toMatch(/received SIGTERM, stopping/);
    expect(fs.existsSync(path.join(dataDir, 'topics', 'from-cli', 'topic.json'))).toBe(true);
  });

  it('exits 0 on SIGINT too', async () => {
    const cli = runCli(['--port', '0']);
    await waitForOutput(cli.output, /listening on/);
    cli.child.kill('SIGINT');
    expect(await cli.exited).toBe(0);
  });

  it('rejects a bad flag value with a message and exit code 2', async () => {
    const cli = runCli(['--port', 'ninety']);
    expect(await cli.exited).toBe(2);
    expect(cli.output()).toMatch(/--port must be an integer/);
  });
});
