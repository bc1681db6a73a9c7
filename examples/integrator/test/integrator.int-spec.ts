import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createCloudEvent, createEvent, eventDefinition, newTraceparent } from '@fieldforce/contracts';
import { testKafka } from '@fieldforce/testing';
import { Kafka, logLevel, type Producer } from 'kafkajs';
// The example is plain JavaScript, as an integrator copies it.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startIntegrator } = require('../src/integrator') as {
  startIntegrator: (options: Record<string, unknown>) => Promise<{ stop: () => Promise<void>; stats: { written: number; duplicates: number; skipped: number } }>;
};

const kafka = testKafka();
const run = randomUUID().slice(0, 8);
// Topics of this test alone: the run's broker also carries every other test's events on the real names.
const topics = {
  customer: `${kafka.topicPrefix}integrator-${run}.fieldforce.customers.customer.v1`,
  task: `${kafka.topicPrefix}integrator-${run}.fieldforce.visits.task.v1`,
  checkIn: `${kafka.topicPrefix}integrator-${run}.fieldforce.checkins.check-in.v1`,
};
const tenantId = `tenant-${run}`;

async function until(condition: () => boolean, what: string): Promise<void> {
  for (let attempt = 0; attempt < 200 && !condition(); attempt++) await new Promise((resolve) => setTimeout(resolve, 100));
  if (!condition()) throw new Error(`timed out waiting for ${what}`);
}

function readRows(file: string): Array<Record<string, unknown>> {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('integrator example', () => {
  let producer: Producer;
  let directory: string;

  beforeAll(async () => {
    const client = new Kafka({ clientId: 'integrator-test', brokers: kafka.brokers, logLevel: logLevel.NOTHING });
    const admin = client.admin();
    await admin.connect();
    await admin.createTopics({ topics: Object.values(topics).map((topic) => ({ topic, numPartitions: 3 })), waitForLeaders: true });
    await admin.disconnect();
    producer = client.producer();
    await producer.connect();
    directory = mkdtempSync(path.join(tmpdir(), 'integrator-'));
  });

  afterAll(async () => {
    await producer.disconnect();
    rmSync(directory, { recursive: true, force: true });
  });

  it('writes each customer, task and check-in event once, skipping unknown types and keeping unknown fields', async () => {
    const customerCreated = createEvent('fieldforce.customers.customer.created.v1', {
      subject: eventDefinition('fieldforce.customers.customer.created.v1').example.customer.id,
      tenantId,
      data: eventDefinition('fieldforce.customers.customer.created.v1').example,
    });
    const checkInRecorded = createEvent('fieldforce.checkins.check-in.recorded.v1', {
      subject: randomUUID(),
      tenantId,
      data: eventDefinition('fieldforce.checkins.check-in.recorded.v1').example,
    });
    // A newer producer's optional field the integrator has never heard of.
    const taskId = randomUUID();
    const taskCreated = createCloudEvent({
      service: 'visits',
      type: 'fieldforce.visits.task.created.v1',
      subject: taskId,
      tenantId,
      data: { id: taskId, title: 'Quarterly visit', priorityScore: 7 },
    });
    const customerMergedV2 = createCloudEvent({
      service: 'customers',
      type: 'fieldforce.customers.customer.merged.v2',
      subject: customerCreated.subject,
      tenantId,
      data: { into: randomUUID() },
    });
    const headers = { 'content-type': 'application/cloudevents+json; charset=UTF-8', traceparent: newTraceparent() };
    const record = (event: { subject: string }) => ({ key: event.subject, value: JSON.stringify(event), headers });
    await producer.send({ topic: topics.customer, messages: [record(customerCreated), record(customerMergedV2)] });
    await producer.send({ topic: topics.task, messages: [record(taskCreated), { key: taskId, value: 'not json' }] });
    await producer.send({ topic: topics.checkIn, messages: [record(checkInRecorded)] });
    // At-least-once delivery: the same event arrives a second time.
    await producer.send({ topic: topics.customer, messages: [record(customerCreated)] });

    const outFile = path.join(directory, 'events.jsonl');
    const integrator = await startIntegrator({ brokers: kafka.brokers, groupId: `integrator-${run}`, topics: Object.values(topics), outFile });
    try {
      await until(() => integrator.stats.written + integrator.stats.duplicates + integrator.stats.skipped >= 6, 'all six records');
    } finally {
      await integrator.stop();
    }
    expect(integrator.stats).toEqual({ written: 3, duplicates: 1, skipped: 2 });
    const rows = readRows(outFile);
    expect(rows.map((row) => row['id']).sort()).toEqual([customerCreated.id, taskCreated.id, checkInRecorded.id].sort());
    expect(rows.find((row) => row['id'] === customerCreated.id)).toMatchObject({
      type: customerCreated.type,
      tenantId,
      key: customerCreated.subject,
      data: customerCreated.data,
    });
    expect(rows.find((row) => row['id'] === taskCreated.id)?.['data']).toEqual({ id: taskId, title: 'Quarterly visit', priorityScore: 7 });

    // A restart that reads everything again (new group, from the beginning) adds nothing.
    const replay = await startIntegrator({ brokers: kafka.brokers, groupId: `integrator-${run}-replay`, topics: Object.values(topics), outFile });
    try {
      await until(() => replay.stats.duplicates + replay.stats.skipped >= 6, 'the replay');
    } finally {
      await replay.stop();
    }
    expect(replay.stats).toEqual({ written: 0, duplicates: 4, skipped: 2 });
    expect(readRows(outFile)).toHaveLength(3);
  });
});
