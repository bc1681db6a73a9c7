import { BaseServiceEnv, type ServiceConfig, toServiceConfig } from '@fieldforce/platform';

/** The customers service's environment: the shared variables with this service's defaults. */
export class CustomersEnv extends BaseServiceEnv {
  override PORT = 3002;
  override DATABASE_URL = 'postgres://fieldforce_customers:fieldforce_customers@127.0.0.1:5432/fieldforce';
}

export type CustomersConfig = ServiceConfig;

export const toCustomersConfig = (env: CustomersEnv): CustomersConfig => toServiceConfig('customers', env);
