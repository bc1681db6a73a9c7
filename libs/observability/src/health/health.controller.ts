import { Controller, Get, Inject, Res, ServiceUnavailableException } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { ApiExcludeController } from '@nestjs/swagger';
import { type HealthCheckResult, type HealthIndicatorFunction, HealthCheckService } from '@nestjs/terminus';
import { type FastifyReply } from 'fastify';
import { OBSERVABILITY_OPTIONS, type ObservabilityOptions } from '../observability-options';
import { ShutdownRegistry } from '../shutdown/shutdown-registry';
import { KafkaHealthIndicator } from './kafka.health';
import { PostgresHealthIndicator } from './postgres.health';
import { RedisHealthIndicator } from './redis.health';

/** Liveness (the process answers) and readiness (its dependencies answer and it is not shutting down). */
@ApiExcludeController()
@Controller('health')
export class HealthController {
  private readonly readinessChecks: HealthIndicatorFunction[];

  constructor(
    private readonly health: HealthCheckService,
    private readonly shutdown: ShutdownRegistry,
    postgres: PostgresHealthIndicator,
    redis: RedisHealthIndicator,
    kafka: KafkaHealthIndicator,
    @Inject(OBSERVABILITY_OPTIONS) options: ObservabilityOptions,
    moduleRef: ModuleRef,
  ) {
    const enabled = options.health ?? {};
    const own = (enabled.checks ?? []).map((type) => moduleRef.get(type, { strict: false }));
    this.readinessChecks = [
      ...(enabled.postgres ? [() => postgres.check()] : []),
      ...(enabled.redis ? [() => redis.check()] : []),
      ...(enabled.kafka ? [() => kafka.check()] : []),
      ...own.map((check) => () => check.check()),
    ];
  }

  @Get('live')
  live(): Promise<HealthCheckResult> {
    return this.health.check([]);
  }

  @Get('ready')
  async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<HealthCheckResult | { status: 'shutting_down' }> {
    if (this.shutdown.isShuttingDown) {
      void reply.status(503);
      return { status: 'shutting_down' };
    }
    try {
      return await this.health.check(this.readinessChecks);
    } catch (error) {
      // Terminus reports a down dependency as a 503 exception carrying the full result: answer that body as is.
      if (!(error instanceof ServiceUnavailableException)) throw error;
      void reply.status(503);
      return error.getResponse() as HealthCheckResult;
    }
  }
}
