import 'reflect-metadata';
import { authProblems } from '@fieldforce/auth';
import { runService } from '@fieldforce/platform';
import { AppModule } from './app.module';
import { CheckinsEnv, toCheckinsConfig } from './config/checkins.config';
import { checkInProblems } from './modules/check-ins/check-ins.exception';
import { trajectoryProblems } from './modules/trajectories/trajectories.exception';

void runService({
  env: CheckinsEnv,
  toConfig: toCheckinsConfig,
  appModule: (config) => AppModule.forConfig(config),
  openApi: { title: 'fieldforce checkins', version: '1' },
  problemMappings: [checkInProblems, trajectoryProblems, authProblems],
});
