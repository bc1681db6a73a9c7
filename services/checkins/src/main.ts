import 'reflect-metadata';
import { runService } from '@fieldforce/platform';
import { AppModule } from './app.module';
import { CheckinsEnv, toCheckinsConfig } from './config/checkins.config';
import { checkinsProblemMappings } from './problem-mappings';

void runService({
  env: CheckinsEnv,
  toConfig: toCheckinsConfig,
  appModule: (config) => AppModule.forConfig(config),
  openApi: { title: 'fieldforce checkins', version: '1' },
  problemMappings: checkinsProblemMappings,
});
