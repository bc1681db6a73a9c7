import 'reflect-metadata';
import { runService } from '@fieldforce/platform';
import { AppModule } from './app.module';
import { PermissionsEnv, toPermissionsConfig } from './config/permissions.config';
import { permissionsProblems } from './problem-mappings';

void runService({
  env: PermissionsEnv,
  toConfig: toPermissionsConfig,
  appModule: (config) => AppModule.forConfig(config),
  openApi: { title: 'fieldforce permissions', version: '1' },
  problemMappings: permissionsProblems,
});
