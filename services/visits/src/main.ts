import 'reflect-metadata';
import { runService } from '@fieldforce/platform';
import { AppModule } from './app.module';
import { VisitsEnv, toVisitsConfig } from './config/visits.config';
import { visitsProblemMappings } from './problems';

void runService({
  env: VisitsEnv,
  toConfig: toVisitsConfig,
  appModule: (config) => AppModule.forConfig(config),
  openApi: { title: 'fieldforce visits', version: '1' },
  problemMappings: visitsProblemMappings,
});
