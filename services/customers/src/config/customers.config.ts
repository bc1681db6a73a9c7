import { type AuthConfig, toAuthConfig, withAuthEnv } from '@fieldforce/auth';
import { BaseServiceEnv, type ServiceConfig, toServiceConfig } from '@fieldforce/platform';

/** The customers service's environment: the shared and auth variables with this service's defaults. */
export class CustomersEnv extends withAuthEnv(BaseServiceEnv) {
  override PORT = 3002;
  override DATABASE_URL = 'postgres://fieldforce_customers:fieldforce_customers@127.0.0.1:5432/fieldforce';
}

export type CustomersConfig = ServiceConfig & { auth: AuthConfig };

export const toCustomersConfig = (env: CustomersEnv): CustomersConfig => ({
  ...toServiceConfig('customers', env),
  auth: toAuthConfig(env),
});
