#!/usr/bin/env node
'use strict';
// KAFKA_BROKERS=host:9092 OUT_FILE=events.jsonl [GROUP_ID=erp-sync] [TOPICS=a,b] node src/cli.js
const { DEFAULT_TOPICS, startIntegrator } = require('./integrator');

async function main() {
  const integrator = await startIntegrator({
    brokers: (process.env.KAFKA_BROKERS ?? 'localhost:9092').split(','),
    groupId: process.env.GROUP_ID ?? 'fieldforce-integrator-example',
    topics: process.env.TOPICS ? process.env.TOPICS.split(',') : DEFAULT_TOPICS,
    outFile: process.env.OUT_FILE ?? 'events.jsonl',
    log: (line) => process.stderr.write(`${line}\n`),
  });
  const stop = () => {
    integrator.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error) => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(1);
});
