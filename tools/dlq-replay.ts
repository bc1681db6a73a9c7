/**
 * `npm run dlq:replay -- <topic> [--group <consumer-group>] [--limit <n>] [--dry-run]`: sends the
 * records parked in `<topic>.dlq` back to the topic they came from, once each (see replayDeadLetters).
 */
import { type DlqReplayOptions, KafkaClientFactory, type MessagingLogger, replayDeadLetters } from '@fieldforce/messaging';

export function parseArgs(argv: readonly string[]): DlqReplayOptions | undefined {
  const [topic, ...rest] = argv;
  if (!topic || topic.startsWith('--')) return undefined;
  const options: DlqReplayOptions = { topic };
  for (let i = 0; i < rest.length; i += 1) {
    const flag = rest[i];
    if (flag === '--dry-run') options.dryRun = true;
    else if (flag === '--group' && rest[i + 1]) options.consumerGroup = rest[++i];
    else if (flag === '--limit' && /^\d+$/.test(rest[i + 1] ?? '')) options.limit = Number(rest[++i]);
    else return undefined;
  }
  return options;
}

/** Warnings and errors to stderr; the replay's own lines go to stdout. */
const stderrLogger: MessagingLogger = {
  error: (context, message) => process.stderr.write(`error: ${message} ${JSON.stringify(context)}\n`),
  warn: (context, message) => process.stderr.write(`warning: ${message} ${JSON.stringify(context)}\n`),
  info: () => undefined,
  debug: () => undefined,
};

if (require.main === module) {
  const options = parseArgs(process.argv.slice(2));
  if (!options) {
    process.stderr.write('usage: npm run dlq:replay -- <topic> [--group <consumer-group>] [--limit <n>] [--dry-run]\n');
    process.exit(2);
  }
  const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',').map((b) => b.trim());
  const kafka = new KafkaClientFactory({ brokers, clientId: 'fieldforce-dlq-replay', topicPrefix: process.env.KAFKA_TOPIC_PREFIX ?? '' }, stderrLogger);
  replayDeadLetters(kafka, {
    ...options,
    onRecord: (r) =>
      process.stdout.write(
        `${options.dryRun ? 'would replay' : 'replayed'} ${r.partition}:${r.offset} key=${r.key ?? '-'} group=${r.consumerGroup ?? '-'} error=${r.error ?? '-'}\n`,
      ),
  }).then(
    (report) => process.stdout.write(`${report.replayed} ${options.dryRun ? 'to replay' : 'replayed'}, ${report.skipped} skipped (other consumer groups)\n`),
    (error: Error) => {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    },
  );
}
