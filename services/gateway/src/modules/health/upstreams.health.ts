import { Injectable } from '@nestjs/common';
import { type HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { type ReadinessCheck } from '@fieldforce/observability';
import { InjectConfig } from '@fieldforce/platform';
import { type GatewayConfig } from '../../config/gateway.config';
import { UPSTREAM_SERVICES, type UpstreamService } from '../proxy/route-table';

const UPSTREAM_CHECK_TIMEOUT_MS = 2_000;

/**
 * Reports each upstream's readiness. The gateway itself stays ready while an upstream is down:
 * only that upstream's routes fail (503), the others keep working.
 */
@Injectable()
export class UpstreamsHealth implements ReadinessCheck {
  constructor(
    private readonly indicators: HealthIndicatorService,
    @InjectConfig() private readonly config: GatewayConfig,
  ) {}

  async check(): Promise<HealthIndicatorResult> {
    const states = await Promise.all(UPSTREAM_SERVICES.map(async (service) => [service, await this.probe(service)] as const));
    return this.indicators.check('upstreams').up(Object.fromEntries(states) as Record<UpstreamService, string>);
  }

  private async probe(service: UpstreamService): Promise<string> {
    try {
      const response = await fetch(`${this.config.upstreams[service]}/health/ready`, {
        signal: AbortSignal.timeout(UPSTREAM_CHECK_TIMEOUT_MS),
      });
      return response.ok ? 'up' : `down (${response.status})`;
    } catch {
      return 'down (unreachable)';
    }
  }
}
