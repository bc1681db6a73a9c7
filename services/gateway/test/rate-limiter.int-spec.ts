import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { testRedis } from '@fieldforce/testing';
import { type RateLimitRule, RateLimiter } from '../src/modules/rate-limit/rate-limiter';

const WINDOW_MS = 60_000;
// A window boundary far from "now", so each test chooses where in the window it is.
const WINDOW_START = Math.floor(Date.now() / WINDOW_MS) * WINDOW_MS - 10 * WINDOW_MS;

describe(RateLimiter.name, () => {
  let redis: Redis;
  let now: number;
  let limiter: RateLimiter;

  beforeAll(async () => {
    const { url, keyPrefix } = testRedis();
    redis = new Redis(url, { keyPrefix: `${keyPrefix}rate-limiter:${randomUUID()}:`, lazyConnect: true });
    await redis.connect();
  });

  beforeEach(() => {
    now = WINDOW_START;
    limiter = new RateLimiter(redis, { windowMs: WINDOW_MS, timeoutMs: 1_000, backoffMs: 1_000, clock: () => now });
  });

  afterAll(async () => {
    await redis?.quit();
  });

  const rule = (name: RateLimitRule['name'], limit: number, subject = randomUUID()): RateLimitRule => ({ name, subject, limit });

  it('admits up to the limit, then refuses until the sliding window has moved on far enough', async () => {
    const user = rule('user', 3);

    const admitted = [await limiter.consume([user]), await limiter.consume([user]), await limiter.consume([user])];
    const refused = await limiter.consume([user]);
    // 80 s later the three requests weigh 40/60 of 3 = 2 in the sliding minute: room for one more.
    now = WINDOW_START + 80_000;
    const admittedAgain = await limiter.consume([user]);
    const refusedAgain = await limiter.consume([user]);

    expect(admitted.map((decision) => [decision?.admitted, decision?.remaining])).toEqual([
      [true, 2],
      [true, 1],
      [true, 0],
    ]);
    expect(refused).toEqual({ admitted: false, rule: 'user', limit: 3, remaining: 0, resetSeconds: 80 });
    expect(admittedAgain).toMatchObject({ admitted: true, remaining: 0 });
    // Now 2 (weighted) + 1: the weighted share must shrink by one request, which takes 20 s.
    expect(refusedAgain).toMatchObject({ admitted: false, resetSeconds: 20 });
  });

  it('counts a request against every rule, or against none when one refuses it', async () => {
    const ip = rule('ip', 10);
    const user = rule('user', 2);

    await limiter.consume([ip, user]);
    await limiter.consume([ip, user]);
    const refusedByUser = await limiter.consume([ip, user]);
    const ipOnly = await limiter.consume([ip]);

    expect(refusedByUser).toMatchObject({ admitted: false, rule: 'user' });
    // Two admitted requests and this one: the refused request was not counted.
    expect(ipOnly).toMatchObject({ admitted: true, rule: 'ip', remaining: 7 });
  });

  it('reports the rule with the fewest requests left when several apply', async () => {
    const decision = await limiter.consume([rule('ip', 100), rule('login', 3), rule('user', 50)]);

    expect(decision).toMatchObject({ admitted: true, rule: 'login', limit: 3, remaining: 2, resetSeconds: 60 });
  });

  it('decides requests arriving together in one script call, each as if it came alone, in arrival order', async () => {
    const ip = rule('ip', 100);
    const user = rule('user', 3);
    const scriptCalls = jest.spyOn(redis, 'evalsha');

    const decisions = await Promise.all(Array.from({ length: 5 }, () => limiter.consume([ip, user])));
    const ipAfterwards = await limiter.consume([ip]);
    const calls = scriptCalls.mock.calls.length;
    scriptCalls.mockRestore();

    expect(decisions.map((decision) => [decision?.admitted, decision?.rule, decision?.remaining])).toEqual([
      [true, 'user', 2],
      [true, 'user', 1],
      [true, 'user', 0],
      [false, 'user', 0],
      [false, 'user', 0],
    ]);
    // Three admitted requests and this one: the refused ones were not counted.
    expect(ipAfterwards).toMatchObject({ admitted: true, remaining: 96 });
    // The five together, then the one after them.
    expect(calls).toBe(2);
  });

  it('keeps separate counts per rule for the same subject', async () => {
    const subject = randomUUID();

    await limiter.consume([rule('login', 1, subject)]);
    const sameSubjectOtherRule = await limiter.consume([rule('ip', 1, subject)]);

    expect(sameSubjectOtherRule).toMatchObject({ admitted: true });
  });
});
