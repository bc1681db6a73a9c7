import { type AuthConfig, toAuthConfig, withAuthEnv } from '@fieldforce/auth';
import { BaseServiceEnv, type ServiceConfig, toServiceConfig } from '@fieldforce/platform';

/** The visits service's environment: the shared and auth variables with this service's defaults. */
export class VisitsEnv extends withAuthEnv(BaseServiceEnv) {
  override PORT = 3003;
  override DATABASE_URL = 'postgres://fieldforce_visits:fieldforce_visits@127.0.0.1:5432/fieldforce';
}

export type VisitsConfig = ServiceConfig & { auth: AuthConfig };

export const toVisitsConfig = (env: VisitsEnv): VisitsConfig => ({ ...toServiceConfig('visits', env), auth: toAuthConfig(env) });
