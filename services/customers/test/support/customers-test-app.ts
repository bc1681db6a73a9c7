import { type ServiceTestApp, type ServiceTestAppOptions, startServiceTestApp } from '@fieldforce/testing';
import { AppModule } from '../../src/app.module';
import { type CustomersConfig, CustomersEnv, toCustomersConfig } from '../../src/config/customers.config';
import { customersProblemMappings } from '../../src/problems';

export type CustomersTestApp = ServiceTestApp<CustomersConfig>;

/** The customers service as `main.ts` builds it, over this run's database and broker, trusting a test JWKS (`env` e.g. `SPATIAL_BACKEND`). */
export function startCustomersTestApp(options: ServiceTestAppOptions = {}): Promise<CustomersTestApp> {
  return startServiceTestApp(
    { service: 'customers', Env: CustomersEnv, toConfig: toCustomersConfig, module: (config) => AppModule.forConfig(config), problemMappings: customersProblemMappings },
    options,
  );
}
