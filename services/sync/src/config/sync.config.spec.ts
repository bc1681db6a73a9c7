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
});
