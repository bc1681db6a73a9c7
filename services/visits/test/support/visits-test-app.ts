import { type ServiceTestApp, startServiceTestApp } from '@fieldforce/testing';
import { AppModule } from '../../src/app.module';
import { type VisitsConfig, VisitsEnv, toVisitsConfig } from '../../src/config/visits.config';
import { visitsProblemMappings } from '../../src/problems';

export type VisitsTestApp = ServiceTestApp<VisitsConfig>;

/** The visits service as `main.ts` builds it, over this run's database, Redis and broker, trusting a test JWKS. */
export function startVisitsTestApp(env: Record<string, string> = {}): Promise<VisitsTestApp> {
  return startServiceTestApp(
    {
      service: 'visits',
      Env: VisitsEnv,
      toConfig: toVisitsConfig,
      module: (config) => AppModule.forConfig(config),
      problemMappings: visitsProblemMappings,
      // Background reminder passes only where a test asks for them (REMINDERS_ENABLED=true).
      env: { REMINDERS_ENABLED: 'false' },
    },
    { env },
  );
}
