import 'reflect-metadata';
import { authProblems } from '@fieldforce/auth';
import { runService } from '@fieldforce/platform';
import { AppModule } from './app.module';
import { CustomersEnv, toCustomersConfig } from './config/customers.config';
import { customerProblems } from './modules/customers/customers.exception';

void runService({
  env: CustomersEnv,
  toConfig: toCustomersConfig,
  appModule: (config) => AppModule.forConfig(config),
  openApi: { title: 'fieldforce customers', version: '1' },
  problemMappings: [customerProblems, authProblems],
});
