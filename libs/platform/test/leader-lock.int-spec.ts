import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { createRedisClient, LeaderLock } from '../src';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe(LeaderLock.name, () => {
  const keyPrefix = `test:${randomUUID()}:`;
  const plain = new Redis('redis://127.0.0.1:6379', { lazyConnect: true });
  const clients: Redis[] = [];
  const client = () => {
    const redis = createRedisClient({ url: 'redis://127.0.0.1:6379', keyPrefix });
    clients.push(redis);
    return redis;
  };

  afterAll(async () => {
    const keys = await plain.keys(`${keyPrefix}*`);
    if (keys.length > 0) await plain.del(...keys);
    await plain.quit();
    await Promise.all(clients.map((redis) => redis.quit()));
  });

  it('lets one holder lead at a time and keeps its fencing token while it renews', async () => {
    const name = `scheduler-${randomUUID()}`;
    const first = new LeaderLock(client(), { name, ttlMs: 5_000 });
    const second = new LeaderLock(client(), { name, ttlMs: 5_000 });

    const token = await first.acquireOrRenew();

    expect(token).toBe(1);
    expect(await second.acquireOrRenew()).toBeUndefined();
    expect(await first.acquireOrRenew()).toBe(1);
    expect(first.token).toBe(1);
    expect(second.token).toBeUndefined();
    // The keys share one hash slot and carry the client's prefix.
    expect(await plain.get(`${keyPrefix}{${name}}:lock`)).toBe(`${first.owner} 1`);
  });

  it('hands the lock to the next holder with a larger token once the leader stops renewing, and the old one cannot renew', async () => {
    const name = `scheduler-${randomUUID()}`;
    const stalled = new LeaderLock(client(), { name, ttlMs: 300 });
    const successor = new LeaderLock(client(), { name, ttlMs: 300 });
    expect(await stalled.acquireOrRenew()).toBe(1);

    await sleep(450);

    expect(stalled.token).toBeUndefined();
    expect(await successor.acquireOrRenew()).toBe(2);
    expect(await stalled.acquireOrRenew()).toBeUndefined();
  });

  it('frees the lock at once on release, and a release by a non-holder changes nothing', async () => {
    const name = `scheduler-${randomUUID()}`;
    const leader = new LeaderLock(client(), { name, ttlMs: 60_000 });
    const other = new LeaderLock(client(), { name, ttlMs: 60_000 });
    await leader.acquireOrRenew();

    await other.release();
    expect(await other.acquireOrRenew()).toBeUndefined();
    await leader.release();

    expect(leader.token).toBeUndefined();
    expect(await other.acquireOrRenew()).toBe(2);
  });

  it('answers no leadership instead of throwing while Redis is unreachable', async () => {
    const unreachable = createRedisClient({ url: 'redis://127.0.0.1:1', keyPrefix });
    clients.push(unreachable);

    expect(await new LeaderLock(unreachable, { name: 'nowhere', ttlMs: 1_000 }).acquireOrRenew()).toBeUndefined();
  });
});
