import { Module } from '@nestjs/common';
import { ProxyModule } from './modules/proxy/proxy.module';

/** The gateway: the single public entry, routing /api/v1/... to the owning services. */
@Module({ imports: [ProxyModule] })
export class AppModule {}
