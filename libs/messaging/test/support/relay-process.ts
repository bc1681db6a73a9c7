// An outbox relay in a process of its own, for the crash test. With CRASH_AFTER_BATCHES it kills
// itself (SIGKILL) right after the broker acknowledged that batch and before the batch is marked
// sent; without, it drains the outbox and exits 0.
import { DataSource } from 'typeorm';
import { KafkaClientFactory, type MessagingLogger, OutboxRelay } from '../../src';

const env = (name: string): string => {
  const value = process.env[name];
  if (value === undefined) throw new Error(`${name} is required`);
  return value;
};

const crashAfterBatches = Number(process.env.CRASH_AFTER_BATCHES ?? 0);

class CrashingRelay extends OutboxRelay {
  private batches = 0;

  protected override async afterPublish(): Promise<void> {
    this.batches += 1;
    if (this.batches === crashAfterBatches) process.kill(process.pid, 'SIGKILL');
  }
}

const quiet: MessagingLogger = {
  error: (context, message) => process.stderr.write(`${message} ${JSON.stringify(context)}\n`),
  warn: () => undefined,
  info: () => undefined,
  debug: () => undefined,
};

async function main(): Promise<void> {
  const dataSource = await new DataSource({ type: 'postgres', url: env('DATABASE_URL'), poolSize: 2 }).initialize();
  const kafka = new KafkaClientFactory(
    { brokers: env('KAFKA_BROKERS').split(','), clientId: 'customers', topicPrefix: env('TOPIC_PREFIX') },
    quiet,
  );
  const relay = new CrashingRelay({
    service: 'customers',
    schema: env('SCHEMA'),
    dataSource,
    kafka,
    logger: quiet,
    batchSize: Number(env('BATCH_SIZE')),
  });
  await relay.start();
  if (crashAfterBatches > 0) return; // runs until it kills itself
  const drained = await relay.flush(30_000);
  await relay.stop();
  await dataSource.destroy();
  process.exit(drained ? 0 : 1);
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(2);
});
