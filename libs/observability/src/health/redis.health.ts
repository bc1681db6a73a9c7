import { Inject, Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { type HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { type Redis } from 'ioredis';
import { REDIS_CLIENT } from '@fieldforce/platform';
import { OBSERVABILITY_OPTIONS, type ObservabilityOptions } from '../observability-options';
import { DEFAULT_HEALTH_TIMEOUT_MS } from './health-defaults';
import { errorMessage, withTimeout } from './with-timeout';

/** Up when the shared ioredis client answers PING. */
@Injectable()
export class RedisHealthIndicator {
  constructor(
    private readonly moduleRef: ModuleRef,
    private readonly indicators: HealthIndicatorService,
    @Inject(OBSERVABILITY_OPTIONS) private readonly options: ObservabilityOptions,
  ) {}

  async check(): Promise<HealthIndicatorResult> {
    const indicator = this.indicators.check('redis');
    try {
      const redis = this.moduleRef.get<Redis>(REDIS_CLIENT, { strict: false });
      await withTimeout(redis.ping(), this.options.health?.timeoutMs ?? DEFAULT_HEALTH_TIMEOUT_MS, 'redis');
      return indicator.up();
    } catch (error) {
      return indicator.down({ message: errorMessage(error) });
    }
  }
}
