import 'reflect-metadata';
import { runService } from '@fieldforce/platform';
import { AppModule } from './app.module';
import { CustomersEnv, toCustomersConfig } from './config/customers.config';
import { customersProblemMappings } from './problems';

void runService({
  env: CustomersEnv,
  toConfig: toCustomersConfig,
  appModule: (config) => AppModule.forConfig(config),
  openApi: { title: 'fieldforce customers', version: '1' },
  problemMappings: customersProblemMappings,
});
