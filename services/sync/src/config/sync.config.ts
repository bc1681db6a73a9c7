import { BaseServiceEnv, type ServiceConfig, toServiceConfig } from '@fieldforce/platform';

/** The sync service's environment: the shared variables with this service's defaults. */
export class SyncEnv extends BaseServiceEnv {
  override PORT = 3005;
  override DATABASE_URL = 'postgres://fieldforce_sync:fieldforce_sync@127.0.0.1:5432/fieldforce';
}

export type SyncConfig = ServiceConfig;

export const toSyncConfig = (env: SyncEnv): SyncConfig => toServiceConfig('sync', env);
