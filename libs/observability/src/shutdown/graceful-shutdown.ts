import { type BeforeApplicationShutdown, type OnModuleInit, Injectable, Logger } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { type FastifyInstance } from 'fastify';
import { InjectConfig, type ServiceConfig } from '@fieldforce/platform';
import { ShutdownRegistry } from './shutdown-registry';

/**
 * The shutdown sequence, run before Nest closes connections: readiness → 503, wait for load
 * balancers to notice, drain in-flight HTTP (Fastify close), then the registry's phases,
 * all within SHUTDOWN_TIMEOUT_MS.
 */
@Injectable()
export class GracefulShutdown implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger(GracefulShutdown.name);

  constructor(
    private readonly registry: ShutdownRegistry,
    private readonly adapterHost: HttpAdapterHost,
    @InjectConfig() private readonly config: ServiceConfig,
  ) {}

  onModuleInit(): void {
    // Fastify closes only connections idle at close time; a keep-alive connection whose request was
    // in flight would hold the drain open until its idle timeout. "Connection: close" ends it after the answer.
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    fastify.addHook('onSend', (_request, reply, payload, done) => {
      if (this.registry.isShuttingDown) void reply.header('connection', 'close');
      done(null, payload);
    });
  }

  async beforeApplicationShutdown(signal?: string): Promise<void> {
    const { drainDelayMs, timeoutMs } = this.config.shutdown;
    this.logger.log(`shutting down${signal === undefined ? '' : ` on ${signal}`}`);
    this.registry.beginShutdown();
    if (drainDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, drainDelayMs));

    const deadline = Date.now() + timeoutMs;
    await this.drainHttp(deadline);
    await this.registry.runPhases(deadline);
  }

  // Fastify's close stops accepting connections and resolves once in-flight requests are answered.
  private async drainHttp(deadline: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), Math.max(0, deadline - Date.now()));
    });
    try {
      const outcome = await Promise.race([this.adapterHost.httpAdapter.close() as Promise<unknown>, timeout]);
      if (outcome === 'timeout') this.logger.error('in-flight HTTP requests did not finish before the shutdown timeout');
    } finally {
      clearTimeout(timer);
    }
  }
}
