import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type DataSource } from 'typeorm';
import { type ServiceProcess, freePort, startServiceProcess } from './service-process';
import { sessionsWaitingInTransaction, testDatabaseUrl } from './test-database';
import { testKafka, testRedis } from './test-environment';

const TUS = { 'tus-resumable': '1.0.0' };

/** The sync service as a real process, for tests of services that verify uploads (`UPLOADS_URL`). */
export interface SyncUploads {
  /** Where sync answers, also while it is stopped (it comes back on the same port). */
  url: string;
  /**
   * A tus upload of `bytes` by the token's user, as a device makes it, with their sha256 declared;
   * only the first `sent` bytes are sent (default all: a complete upload). Answers the upload id.
   */
  upload(token: string, bytes: Buffer, options?: { sent?: number }): Promise<string>;
  /** Stops sync (SIGTERM): its port refuses connections until `start`. */
  stop(): Promise<void>;
  /** Starts sync again on its port, with its records and bytes. */
  start(): Promise<void>;
  /** Freezes the running sync (SIGSTOP): connections are still accepted, but nothing answers until `thaw`. */
  freeze(): void;
  /** Lets a frozen sync go on (SIGCONT). */
  thaw(): void;
  /** Stops sync and removes its upload store. */
  close(): Promise<void>;
}

/**
 * Starts sync over this run's `sync` schema and a fresh upload store, on `port` (chosen ahead so the
 * service under test can be configured with it first) or a free one; `env` adds the JWKS to trust.
 */
export async function startSyncUploads(env: Record<string, string>, options: { port?: number } = {}): Promise<SyncUploads> {
  const kafka = testKafka();
  const redis = testRedis();
  const directory = mkdtempSync(path.join(tmpdir(), 'sync-uploads-'));
  const port = options.port ?? (await freePort());
  const syncEnv = {
    DATABASE_URL: testDatabaseUrl('sync'),
    KAFKA_BROKERS: kafka.brokers.join(','),
    KAFKA_TOPIC_PREFIX: kafka.topicPrefix,
    REDIS_URL: redis.url,
    REDIS_KEY_PREFIX: `${redis.keyPrefix}sync-uploads:`,
    SYNC_UPLOAD_DIR: directory,
    ...env,
  };
  // Live, not ready: uploads need Postgres only, not the feed consumers' Kafka group.
  const launch = (): Promise<ServiceProcess> => startServiceProcess('sync', syncEnv, { port, readyPath: '/health/live', timeoutMs: 120_000 });
  let sync: ServiceProcess | undefined = await launch();
  const url = `http://127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    await sync?.stop();
    sync = undefined;
  };
  const signal = (name: NodeJS.Signals): void => {
    if (!sync) throw new Error('sync is not running');
    process.kill(sync.pid, name);
  };
  return {
    url,
    upload: async (token, bytes, options = {}) => {
      const sent = options.sent ?? bytes.length;
      const metadata = [
        `clientUploadId ${Buffer.from(randomUUID()).toString('base64')}`,
        `sha256 ${Buffer.from(createHash('sha256').update(bytes).digest('hex')).toString('base64')}`,
        `contentType ${Buffer.from('image/jpeg').toString('base64')}`,
      ].join(',');
      const response = await fetch(`${url}/api/v1/uploads`, {
        method: 'POST',
        headers: {
          ...TUS,
          authorization: `Bearer ${token}`,
          'upload-length': String(bytes.length),
          'upload-metadata': metadata,
          'content-type': 'application/offset+octet-stream',
        },
        body: bytes.subarray(0, sent),
      });
      const location = response.headers.get('location');
      if (response.status !== 201 || location === null) throw new Error(`sync refused the upload: ${response.status} ${await response.text()}`);
      return location.slice(location.lastIndexOf('/') + 1);
    },
    stop,
    start: async () => {
      sync ??= await launch();
    },
    freeze: () => signal('SIGSTOP'),
    thaw: () => signal('SIGCONT'),
    close: async () => {
      await stop();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

/**
 * Sends `request` with sync frozen for about a second, counting meanwhile (eight times) the sessions
 * of `dataSource` that wait in an open transaction (`sessionsWaitingInTransaction`); then thaws sync
 * and answers those counts and the request's answer.
 */
export async function whileSyncFrozen<T>(sync: SyncUploads, dataSource: DataSource, request: () => Promise<T>): Promise<{ waiting: number[]; answer: T }> {
  sync.freeze();
  const waiting: number[] = [];
  const answer = request();
  try {
    for (let sample = 0; sample < 8; sample += 1) {
      await sleep(125);
      waiting.push(await sessionsWaitingInTransaction(dataSource));
    }
  } finally {
    sync.thaw();
  }
  return { waiting, answer: await answer };
}
