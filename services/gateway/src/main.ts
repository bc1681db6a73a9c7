import 'reflect-metadata';
import { runService } from '@fieldforce/platform';
import { AppModule } from './app.module';
import { GatewayEnv, toGatewayConfig } from './config/gateway.config';

void runService({
  env: GatewayEnv,
  toConfig: toGatewayConfig,
  appModule: (config) => AppModule.forConfig(config),
  openApi: { title: 'fieldforce gateway', version: '1' },
});
