import { BaseServiceEnv, type ServiceConfig, toServiceConfig } from '@fieldforce/platform';

/** The checkins service's environment: the shared variables with this service's defaults. */
export class CheckinsEnv extends BaseServiceEnv {
  override PORT = 3004;
  override DATABASE_URL = 'postgres://fieldforce_checkins:fieldforce_checkins@127.0.0.1:5432/fieldforce';
}

export type CheckinsConfig = ServiceConfig;

export const toCheckinsConfig = (env: CheckinsEnv): CheckinsConfig => toServiceConfig('checkins', env);
