import { type EnvSource } from '@fieldforce/platform';
import { type ServiceTestApp, startServiceTestApp } from '@fieldforce/testing';
import { AppModule } from '../../src/app.module';
import { type CheckinsConfig, CheckinsEnv, toCheckinsConfig } from '../../src/config/checkins.config';
import { checkinsProblemMappings } from '../../src/problem-mappings';

export type CheckinsTestApp = ServiceTestApp<CheckinsConfig>;

/** The checkins service as `main.ts` builds it, over this run's database, Redis and broker, trusting a test JWKS. */
export function startCheckinsTestApp(env: EnvSource = {}): Promise<CheckinsTestApp> {
  return startServiceTestApp(
    { service: 'checkins', Env: CheckinsEnv, toConfig: toCheckinsConfig, module: (config) => AppModule.forConfig(config), problemMappings: checkinsProblemMappings },
    { env },
  );
}
