import { randomUUID } from 'node:crypto';
import { Test } from '@nestjs/testing';
import Redis from 'ioredis';
import { REDIS_CLIENT, RedisModule } from '../src';

describe(RedisModule.name, () => {
  const keyPrefix = `test:${randomUUID()}:`;
  const plain = new Redis('redis://127.0.0.1:6379', { lazyConnect: true });

  afterAll(async () => {
    const keys = await plain.keys(`${keyPrefix}*`);
    if (keys.length > 0) await plain.del(...keys);
    await plain.quit();
  });

  it('provides a client that prefixes every key and closes when the app shuts down', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [RedisModule.forRoot({ url: 'redis://127.0.0.1:6379', keyPrefix })],
    }).compile();
    const app = await moduleRef.init();
    const redis = app.get<Redis>(REDIS_CLIENT);

    await redis.set('visit-lock', 'rep-1');

    expect(await plain.get(`${keyPrefix}visit-lock`)).toBe('rep-1');
    await app.close();
    expect(redis.status).toBe('end');
  });

  it('fails a command instead of hanging when Redis is unreachable, and still shuts down', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [RedisModule.forRoot({ url: 'redis://127.0.0.1:1', keyPrefix })],
    }).compile();
    const app = await moduleRef.init();
    const redis = app.get<Redis>(REDIS_CLIENT);

    await expect(redis.ping()).rejects.toThrow('max retries per request');
    await expect(app.close()).resolves.toBeUndefined();
  });
});
