import { Module } from '@nestjs/common';
import { ObservabilityModule } from '@fieldforce/observability';
import { DocsModule } from './modules/docs/docs.module';
import { UpstreamsHealth } from './modules/health/upstreams.health';
import { ProxyModule } from './modules/proxy/proxy.module';

/** The gateway: the single public entry, routing /api/v1/... to the owning services. */
@Module({
  imports: [ObservabilityModule.forService({ service: 'gateway', health: { checks: [UpstreamsHealth] } }), ProxyModule, DocsModule],
})
export class AppModule {}
