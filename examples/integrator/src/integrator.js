'use strict';
// Follows fieldforce events into a JSONL file: one line per event, each event written once even
// though Kafka delivers at least once. Plain Node and kafkajs, so it copies into any project.
const fs = require('node:fs');
const { Kafka, logLevel } = require('kafkajs');

/** The topics an ERP/CRM integration usually follows. */
const DEFAULT_TOPICS = ['fieldforce.customers.customer.v1', 'fieldforce.visits.task.v1', 'fieldforce.checkins.check-in.v1'];

/** Event types this integration understands, by prefix; a new event or a newer version is skipped, not fatal. */
const HANDLED_TYPES = [
  /^fieldforce\.customers\.customer\.[a-z-]+\.v1$/,
  /^fieldforce\.visits\.task\.[a-z-]+\.v1$/,
  /^fieldforce\.checkins\.check-in\.[a-z-]+\.v1$/,
];

/** Reads the ids already in the output file, so a restart or a redelivery never writes an event twice. */
function loadSeenIds(file) {
  const seen = new Set();
  if (!fs.existsSync(file)) return seen;
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    try {
      seen.add(JSON.parse(line).id);
    } catch {
      // A line cut short by a crash mid-write: the event is redelivered and written again.
    }
  }
  return seen;
}

/** Parses a record value into a CloudEvent, or returns a reason to skip it. */
function parseEvent(value) {
  let event;
  try {
    event = JSON.parse(value.toString('utf8'));
  } catch {
    return { skip: 'not JSON' };
  }
  if (typeof event !== 'object' || event === null || typeof event.id !== 'string' || typeof event.type !== 'string') {
    return { skip: 'not a CloudEvent' };
  }
  return { event };
}

/**
 * Starts following `topics` into `outFile`. Returns `{ stop, stats }`.
 * Options: brokers (string[]), groupId, topics, outFile, fromBeginning (default true), log (function).
 */
async function startIntegrator(options) {
  const { brokers, groupId, outFile, topics = DEFAULT_TOPICS, fromBeginning = true, log = () => {} } = options;
  const seen = loadSeenIds(outFile);
  const stats = { written: 0, duplicates: 0, skipped: 0 };
  const kafka = new Kafka({ clientId: groupId, brokers, logLevel: logLevel.WARN });
  const consumer = kafka.consumer({ groupId });
  await consumer.connect();
  await consumer.subscribe({ topics, fromBeginning });
  await consumer.run({
    // Offsets are committed after the handler returns, so an event is on disk before Kafka forgets it.
    eachMessage: async ({ topic, partition, message }) => {
      if (!message.value) return;
      const { event, skip } = parseEvent(message.value);
      if (skip) {
        stats.skipped += 1;
        log(`skipped ${topic}/${partition}@${message.offset}: ${skip}`);
        return;
      }
      if (!HANDLED_TYPES.some((pattern) => pattern.test(event.type))) {
        stats.skipped += 1;
        log(`skipped unknown event type ${event.type} (${event.id})`);
        return;
      }
      if (seen.has(event.id)) {
        stats.duplicates += 1;
        return;
      }
      // Unknown fields in data are kept as they are: producers may add optional fields at any time.
      const row = {
        id: event.id,
        type: event.type,
        tenantId: event.tenantid,
        subject: event.subject,
        time: event.time,
        key: message.key ? message.key.toString('utf8') : null,
        topic,
        partition,
        offset: message.offset,
        data: event.data,
      };
      fs.appendFileSync(outFile, `${JSON.stringify(row)}\n`);
      seen.add(event.id);
      stats.written += 1;
    },
  });
  return { stats, stop: () => consumer.disconnect() };
}

module.exports = { DEFAULT_TOPICS, HANDLED_TYPES, startIntegrator };
