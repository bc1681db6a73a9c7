import { freePort, startSyncUploads, type SyncUploads } from '@fieldforce/testing';
import { startVisitsTestApp, type VisitsTestApp } from './visits-test-app';

/** The visits app and sync as a real process, visits verifying report uploads there (UPLOADS_URL). */
export interface VisitsWithUploads {
  service: VisitsTestApp;
  sync: SyncUploads;
  close(): Promise<void>;
}

/** Starts both: sync's port is chosen first, so visits is configured with it before sync runs. */
export async function startVisitsWithUploads(env: Record<string, string> = {}): Promise<VisitsWithUploads> {
  const port = await freePort();
  const service = await startVisitsTestApp({ UPLOADS_URL: `http://127.0.0.1:${port}`, UPLOADS_TIMEOUT_MS: '3000', ...env });
  const sync = await startSyncUploads(service.jwks.env(), { port }).catch(async (error: unknown) => {
    await service.close();
    throw error;
  });
  return {
    service,
    sync,
    close: async () => {
      await service.close();
      await sync.close();
    },
  };
}
