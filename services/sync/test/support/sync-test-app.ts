import { type EnvSource } from '@fieldforce/platform';
import { type ServiceTestApp, startServiceTestApp } from '@fieldforce/testing';
import { AppModule } from '../../src/app.module';
import { type SyncConfig, SyncEnv, toSyncConfig } from '../../src/config/sync.config';
import { syncProblemMappings } from '../../src/problem-mappings';

export type SyncTestApp = ServiceTestApp<SyncConfig>;

/** The sync service as `main.ts` builds it, over this run's database and broker, trusting a test JWKS. */
export function startSyncTestApp(env: EnvSource = {}): Promise<SyncTestApp> {
  return startServiceTestApp(
    { service: 'sync', Env: SyncEnv, toConfig: toSyncConfig, module: (config) => AppModule.forConfig(config), problemMappings: syncProblemMappings },
    { env },
  );
}
