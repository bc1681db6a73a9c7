import { loadConfig } from '@fieldforce/platform';
import { DEV_SYNC_CURSOR_SECRET, SyncEnv, toSyncConfig } from './sync.config';

const load = (env: Record<string, string>) => loadConfig(SyncEnv, toSyncConfig, env);

describe(SyncEnv.name, () => {
  it('has working development defaults', () => {
    const config = load({});
    expect(config.http.port).toBe(3005);
    expect(config.feed).toEqual({
      cursorSecret: DEV_SYNC_CURSOR_SECRET,
      tombstoneRetentionDays: 30,
      purgeIntervalMs: 3_600_000,
      pullScanSequences: 20_000,
      rebaseScanRecords: 5_000,
    });
  });

  it('refuses the development cursor secret in production, and a short or bad value anywhere', () => {
    expect(() => load({ NODE_ENV: 'production' })).toThrow(/SYNC_CURSOR_SECRET must be set to a secret of its own/);
    const own = 'y'.repeat(40);
    expect(load({ NODE_ENV: 'production', SYNC_CURSOR_SECRET: own }).feed.cursorSecret).toBe(own);
    expect(() => load({ SYNC_CURSOR_SECRET: 'short' })).toThrow(/SYNC_CURSOR_SECRET must be at least 32 characters/);
    expect(() => load({ SYNC_TOMBSTONE_RETENTION_DAYS: '0' })).toThrow(/SYNC_TOMBSTONE_RETENTION_DAYS must be an integer between 1 and 3650/);
    expect(() => load({ SYNC_PURGE_INTERVAL_MS: 'hourly' })).toThrow(/SYNC_PURGE_INTERVAL_MS/);
  });

  it('stores uploads as files by default, in S3 only with a bucket, and refuses bad upload limits', () => {
    expect(load({}).uploads).toEqual({
      store: { kind: 'file', directory: '.data/uploads' },
      defaultMaxBytes: 50 * 1024 ** 2,
      expirySeconds: 86_400,
      cleanupIntervalMs: 900_000,
    });
    expect(() => load({ SYNC_UPLOAD_STORE: 's3' })).toThrow(/SYNC_UPLOAD_S3_BUCKET/);
    expect(load({ SYNC_UPLOAD_STORE: 's3', SYNC_UPLOAD_S3_BUCKET: 'photos', SYNC_UPLOAD_S3_FORCE_PATH_STYLE: 'true' }).uploads.store).toMatchObject({
      kind: 's3',
      bucket: 'photos',
      region: 'us-east-1',
      forcePathStyle: true,
    });
    expect(() => load({ SYNC_UPLOAD_STORE: 'ftp' })).toThrow(/SYNC_UPLOAD_STORE must be file or s3/);
    expect(() => load({ SYNC_UPLOAD_MAX_BYTES: '0' })).toThrow(/SYNC_UPLOAD_MAX_BYTES/);
    expect(() => load({ SYNC_UPLOAD_EXPIRY_SECONDS: 'a day' })).toThrow(/SYNC_UPLOAD_EXPIRY_SECONDS/);
  });
});
