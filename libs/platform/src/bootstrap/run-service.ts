import { Logger } from '@nestjs/common';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { ConfigError, type EnvSource, loadConfig } from '../config/load-config';
import { type ServiceConfig } from '../config/service-config';
import { type ServiceAppOptions, type ServiceModule, createServiceApp } from './create-service-app';

export interface RunServiceOptions<TEnv extends object, TConfig extends ServiceConfig> extends ServiceAppOptions {
  env: new () => TEnv;
  toConfig: (env: TEnv) => TConfig;
  /** The app module, built from the loaded config (`() => AppModule` when it needs none). */
  appModule: (config: TConfig) => ServiceModule;
  source?: EnvSource;
}

// Grace beyond the shutdown budget before the process is killed regardless: a hung hook must not keep a pod alive.
const HARD_EXIT_GRACE_MS = 5_000;

function exitOnStuckShutdown(config: ServiceConfig): void {
  const budgetMs = config.shutdown.drainDelayMs + config.shutdown.timeoutMs + HARD_EXIT_GRACE_MS;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      setTimeout(() => {
        process.stderr.write(`${config.service}: shutdown exceeded ${budgetMs} ms, exiting\n`);
        process.exit(1);
      }, budgetMs).unref();
    });
  }
}

/**
 * The whole of a service's `main.ts`: loads config, creates the app and listens. A bad config
 * prints its one-line message and exits 1, without a stack trace.
 */
export async function runService<TEnv extends object, TConfig extends ServiceConfig>(
  options: RunServiceOptions<TEnv, TConfig>,
): Promise<NestFastifyApplication> {
  try {
    const config = loadConfig(options.env, options.toConfig, options.source);
    const app = await createServiceApp(options.appModule(config), config, options);
    await app.listen({ host: config.http.host, port: config.http.port });
    exitOnStuckShutdown(config);
    new Logger('Bootstrap').log(`${config.service} listening on ${await app.getUrl()}`);
    return app;
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
    } else {
      new Logger('Bootstrap').error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    }
    process.exit(1);
  }
}
