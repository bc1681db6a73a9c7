import { parseArgs } from 'node:util';
import { startDevBroker, type DevBrokerOptions } from './broker';

const USAGE = `Usage: fieldforce-kafka-dev [--port 9092] [--host 127.0.0.1] [--data-dir DIR]
                            [--partitions 3] [--no-auto-create-topics]
A single-node broker speaking the Kafka wire protocol, for development and tests only.`;

function integerFlag(name: string, value: string | undefined, min: number): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < min || parsed > 65535 * 1000) {
    throw new Error(`--${name} must be an integer of at least ${min}, got "${value}"`);
  }
  return parsed;
}

function parseOptions(argv: string[]): DevBrokerOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'data-dir': { type: 'string' },
      partitions: { type: 'string' },
      'no-auto-create-topics': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help === true) return 'help';
  const port = integerFlag('port', values.port, 0);
  if (port !== undefined && port > 65535) throw new Error(`--port must be at most 65535, got ${port}`);
  return {
    port: port ?? 9092,
    host: values.host,
    dataDir: values['data-dir'],
    defaultPartitions: integerFlag('partitions', values.partitions, 1),
    autoCreateTopics: values['no-auto-create-topics'] !== true,
    logger: (line) => process.stdout.write(`${new Date().toISOString()} fieldforce-kafka-dev: ${line}\n`),
  };
}

async function main(): Promise<void> {
  let options: DevBrokerOptions | 'help';
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n${USAGE}\n`);
    process.exit(2);
  }
  if (options === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const log = options.logger ?? (() => undefined);
  // Handlers go in before the broker starts, so a signal during start-up still stops it cleanly.
  const starting = startDevBroker(options);
  const shutdown = (signal: string): void => {
    log(`received ${signal}, stopping`);
    starting
      .then((broker) => broker.stop())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          process.stderr.write(`failed to stop cleanly: ${String(error)}\n`);
          process.exit(1);
        },
      );
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  await starting;
}

main().catch((error: unknown) => {
  process.stderr.write(`fieldforce-kafka-dev failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
