import { type ServiceProcess, freePort, startServiceProcess } from './service-process';

/** The services behind the gateway, in the order they start. */
export const PLATFORM_SERVICES = ['permissions', 'customers', 'visits', 'checkins', 'sync'] as const;
export type PlatformService = (typeof PLATFORM_SERVICES)[number] | 'gateway';

export interface PlatformOptions {
  /** Each service's own database URL (its role and schema). */
  databaseUrl(service: (typeof PLATFORM_SERVICES)[number]): string;
  kafka: { brokers: string[]; topicPrefix: string };
  redis: { url: string; keyPrefix: string };
  /** Added to every service's environment. */
  env?: Record<string, string>;
  /** Added to one service's environment (after `env`). */
  serviceEnv?: Partial<Record<PlatformService, Record<string, string>>>;
  /** How long each service may take to become ready. */
  timeoutMs?: number;
}

/** The whole platform as `npm run dev` runs it: every service in a process of its own, on ports fixed for its lifetime. */
export interface Platform {
  gateway: ServiceProcess;
  /** The running process of `name` (a new one after a restart). */
  service(name: PlatformService): ServiceProcess;
  url(name: PlatformService): string;
  /** Stops `name` (SIGKILL with `crash`, else SIGTERM) and starts it again on the same port with the same environment. */
  restart(name: PlatformService, options?: { crash?: boolean }): Promise<ServiceProcess>;
  stop(): Promise<void>;
}

/**
 * Starts permissions, the owning services, sync and the gateway, wired to each other as in
 * production: tokens from permissions' JWKS, sync pushing to the owners, the owners verifying
 * uploads at sync, the gateway routing to all of them. Ports are chosen first, so services that
 * call each other can start in parallel and keep their addresses across restarts.
 */
export async function startPlatform(options: PlatformOptions): Promise<Platform> {
  const names: PlatformService[] = [...PLATFORM_SERVICES, 'gateway'];
  const ports = new Map<PlatformService, number>();
  for (const name of names) ports.set(name, await freePort());
  const url = (name: PlatformService): string => `http://127.0.0.1:${ports.get(name)!}`;
  const shared = {
    KAFKA_BROKERS: options.kafka.brokers.join(','),
    KAFKA_TOPIC_PREFIX: options.kafka.topicPrefix,
    REDIS_URL: options.redis.url,
    REDIS_KEY_PREFIX: options.redis.keyPrefix,
    AUTH_JWKS_URL: `${url('permissions')}/.well-known/jwks.json`,
    UPLOADS_URL: url('sync'),
    ...options.env,
  };
  const wiring: Partial<Record<PlatformService, Record<string, string>>> = {
    sync: { OWNER_CUSTOMERS_URL: url('customers'), OWNER_VISITS_URL: url('visits'), OWNER_CHECKINS_URL: url('checkins') },
    gateway: Object.fromEntries(PLATFORM_SERVICES.map((name) => [`UPSTREAM_${name.toUpperCase()}_URL`, url(name)])),
  };
  const envOf = (name: PlatformService): Record<string, string> => ({
    ...shared,
    ...(name === 'gateway' ? {} : { DATABASE_URL: options.databaseUrl(name) }),
    ...wiring[name],
    ...options.serviceEnv?.[name],
  });
  const start = (name: PlatformService): Promise<ServiceProcess> =>
    startServiceProcess(name, envOf(name), { port: ports.get(name)!, timeoutMs: options.timeoutMs ?? 120_000 });

  const running = new Map<PlatformService, ServiceProcess>();
  const settled = await Promise.allSettled(PLATFORM_SERVICES.map(async (name) => running.set(name, await start(name))));
  const failed = settled.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (!failed) {
    try {
      running.set('gateway', await start('gateway'));
    } catch (error) {
      await Promise.all([...running.values()].map((service) => service.stop()));
      throw error;
    }
  } else {
    await Promise.all([...running.values()].map((service) => service.stop()));
    throw failed.reason;
  }

  const service = (name: PlatformService): ServiceProcess => running.get(name)!;
  return {
    get gateway() {
      return service('gateway');
    },
    service,
    url,
    async restart(name, restartOptions = {}) {
      const current = service(name);
      if (restartOptions.crash) await current.kill();
      else await current.stop();
      const next = await start(name);
      running.set(name, next);
      return next;
    },
    async stop() {
      // The gateway first, so nothing new reaches the services while they stop.
      await service('gateway').stop();
      await Promise.all(PLATFORM_SERVICES.map((name) => service(name).stop()));
    },
  };
}
