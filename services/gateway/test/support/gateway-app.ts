import { randomUUID } from 'node:crypto';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { createServiceApp, loadConfig } from '@fieldforce/platform';
import { testJwks, testRedis } from '@fieldforce/testing';
import { AppModule } from '../../src/app.module';
import { GatewayEnv, toGatewayConfig } from '../../src/config/gateway.config';

/**
 * A gateway app (initialised, not listening) verifying tokens against the test JWKS, with this
 * run's Redis under a key prefix of its own, so its rate-limit counters start from zero.
 */
export async function createGatewayApp(env: Record<string, string>): Promise<NestFastifyApplication> {
  const redis = testRedis();
  const config = loadConfig(GatewayEnv, toGatewayConfig, {
    ...(await testJwks()).env(),
    REDIS_URL: redis.url,
    REDIS_KEY_PREFIX: `${redis.keyPrefix}gateway:${randomUUID()}:`,
    LOG_LEVEL: 'silent',
    NODE_ENV: 'test',
    ...env,
  });
  return createServiceApp(AppModule.forConfig(config), config, { openApi: { title: 'gateway', version: 'test' } });
}

let clientAddress = 0;

/** A client IP address no other request of this test file used, so per-IP limits start from zero. */
export function newClientIp(): string {
  clientAddress += 1;
  return `10.${(clientAddress >> 16) & 255}.${(clientAddress >> 8) & 255}.${clientAddress & 255}`;
}
