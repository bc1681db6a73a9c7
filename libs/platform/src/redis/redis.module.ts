import {
  type DynamicModule,
  type OnApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  Module,
} from '@nestjs/common';
import Redis from 'ioredis';
import { type RedisConfig } from '../config/service-config';

/** The injection token of the shared ioredis client. */
export const REDIS_CLIENT = Symbol('REDIS_CLIENT');

/** Injects the shared ioredis client: `@InjectRedis() private readonly redis: Redis`. */
export const InjectRedis = (): ParameterDecorator & PropertyDecorator => Inject(REDIS_CLIENT);

// Reconnect quickly at first, then every 2 s; a command fails after 3 attempts instead of hanging.
const MAX_RECONNECT_DELAY_MS = 2_000;
const MAX_RETRIES_PER_REQUEST = 3;
const CLOSE_WAIT_MS = 1_000;

/** An ioredis client with the service's key prefix; connects on first use and keeps retrying. */
export function createRedisClient(config: RedisConfig): Redis {
  return new Redis(config.url, {
    keyPrefix: config.keyPrefix,
    lazyConnect: true,
    connectTimeout: 2_000,
    maxRetriesPerRequest: MAX_RETRIES_PER_REQUEST,
    retryStrategy: (attempt) => Math.min(attempt * 100, MAX_RECONNECT_DELAY_MS),
  });
}

@Injectable()
class RedisLifecycle implements OnApplicationShutdown {
  private readonly logger = new Logger('Redis');

  constructor(@InjectRedis() private readonly redis: Redis) {
    // ioredis emits 'error' on every failed reconnect; unhandled it would crash the process.
    this.redis.on('error', (error: Error) => this.logger.warn(`redis: ${error.message}`));
  }

  // After the drain phases (see ShutdownRegistry), so in-flight work can still use Redis.
  async onApplicationShutdown(): Promise<void> {
    if (this.redis.status === 'end') return;
    // quit() resolves on the server's reply; the socket closes a moment later ('end').
    const ended = new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, CLOSE_WAIT_MS);
      this.redis.once('end', () => {
        clearTimeout(timer);
        resolve();
      });
    });
    if (this.redis.status === 'ready') {
      await this.redis.quit();
    } else {
      this.redis.disconnect();
    }
    await ended;
  }
}

/** Provides one ioredis client app-wide under `REDIS_CLIENT`, closed when the app shuts down. */
@Module({})
export class RedisModule {
  static forRoot(config: RedisConfig): DynamicModule {
    return {
      module: RedisModule,
      global: true,
      providers: [{ provide: REDIS_CLIENT, useFactory: () => createRedisClient(config) }, RedisLifecycle],
      exports: [REDIS_CLIENT],
    };
  }
}
