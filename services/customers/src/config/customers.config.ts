import { IsIn } from 'class-validator';
import { type AuthConfig, toAuthConfig, withAuthEnv } from '@fieldforce/auth';
import { BaseServiceEnv, type ServiceConfig, toServiceConfig } from '@fieldforce/platform';

/** How `near` searches run: PostGIS when the database has it (`auto`), or forced either way. */
export const SPATIAL_BACKENDS = ['auto', 'postgis', 'plain'] as const;
export type SpatialBackendSetting = (typeof SPATIAL_BACKENDS)[number];

/** The customers service's environment: the shared and auth variables with this service's defaults. */
export class CustomersEnv extends withAuthEnv(BaseServiceEnv) {
  override PORT = 3002;
  override DATABASE_URL = 'postgres://fieldforce_customers:fieldforce_customers@127.0.0.1:5432/fieldforce';
  // An import of 5,000 rows is a few megabytes of JSON.
  override HTTP_BODY_LIMIT_BYTES = 10_485_760;

  @IsIn(SPATIAL_BACKENDS, { message: `must be one of ${SPATIAL_BACKENDS.join(', ')}` })
  SPATIAL_BACKEND: SpatialBackendSetting = 'auto';
}

export type CustomersConfig = ServiceConfig & { auth: AuthConfig; spatial: { backend: SpatialBackendSetting } };

export const toCustomersConfig = (env: CustomersEnv): CustomersConfig => ({
  ...toServiceConfig('customers', env),
  auth: toAuthConfig(env),
  spatial: { backend: env.SPATIAL_BACKEND },
});
