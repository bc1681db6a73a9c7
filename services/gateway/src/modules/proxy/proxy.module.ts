import { Injectable, Module, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { type FastifyInstance } from 'fastify';
import { AccessTokenVerifier } from '@fieldforce/auth';
import { InjectConfig } from '@fieldforce/platform';
import { type GatewayConfig } from '../../config/gateway.config';
import { registerUpstreamProxies } from './upstream-proxy';

/** Mounts the upstream proxies on the gateway's Fastify instance before Nest's own routes. */
@Injectable()
class UpstreamProxyRegistrar implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @InjectConfig() private readonly config: GatewayConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    await registerUpstreamProxies(fastify, {
      upstreams: this.config.upstreams,
      timeoutMs: this.config.upstreamTimeoutMs,
      verifier: new AccessTokenVerifier(this.config.auth),
    });
  }
}

@Module({ providers: [UpstreamProxyRegistrar] })
export class ProxyModule {}
