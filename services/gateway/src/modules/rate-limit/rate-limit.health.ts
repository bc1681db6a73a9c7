import { Injectable } from '@nestjs/common';
import { type HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { type Redis } from 'ioredis';
import { type ReadinessCheck } from '@fieldforce/observability';
import { InjectRedis } from '@fieldforce/platform';

const PING_TIMEOUT_MS = 1_000;

/**
 * Reports whether rate limits are enforced. Deliberately never "down": without Redis the gateway
 * fails open, and taking every gateway out of the load balancer would take the whole API down.
 */
@Injectable()
export class RateLimitStoreHealth implements ReadinessCheck {
  constructor(
    private readonly indicators: HealthIndicatorService,
    @InjectRedis() private readonly redis: Redis,
  ) {}

  async check(): Promise<HealthIndicatorResult> {
    let redis: string;
    try {
      await Promise.race([
        this.redis.ping(),
        new Promise((_resolve, reject) => setTimeout(() => reject(new Error('no answer')), PING_TIMEOUT_MS).unref()),
      ]);
      redis = 'up';
    } catch (error) {
      redis = `down (${error instanceof Error ? error.message : String(error)})`;
    }
    return this.indicators.check('rateLimits').up({ redis, enforced: redis === 'up' });
  }
}
