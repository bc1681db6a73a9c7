import 'reflect-metadata';
import { runService } from '@fieldforce/platform';
import { AppModule } from './app.module';
import { SyncEnv, toSyncConfig } from './config/sync.config';
import { syncProblemMappings } from './problem-mappings';

void runService({
  env: SyncEnv,
  toConfig: toSyncConfig,
  appModule: (config) => AppModule.forConfig(config),
  openApi: { title: 'fieldforce sync', version: '1' },
  problemMappings: syncProblemMappings,
});
