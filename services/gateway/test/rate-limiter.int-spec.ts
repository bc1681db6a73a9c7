import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { testRedis } from '@fieldforce/testing';
import { type RateLimitDecision, type RateLimitRule, RateLimiter } from '../src/modules/rate-limit/rate-limiter';

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
    // The five together; the one after them was far from its limit and admitted without Redis.
    expect(calls).toBe(1);
  });

  describe('far from a limit', () => {
    const counter = (ruleName: string, subject: string): Promise<string | null> =>
      redis.get(`ratelimit:${ruleName}:${subject}:${Math.floor(now / WINDOW_MS)}`);

    it('admits without asking Redis once Redis has counted the subject, and adds those requests to its count on flush', async () => {
      const ip = rule('ip', 1_000);
      const scriptCalls = jest.spyOn(redis, 'evalsha');

      const first = await limiter.consume([ip]);
      const following: (RateLimitDecision | undefined)[] = [];
      for (let i = 0; i < 20; i += 1) following.push(await limiter.consume([ip]));
      const callsBeforeFlush = scriptCalls.mock.calls.length;
      const countBeforeFlush = await counter('ip', ip.subject);
      await limiter.flush();
      const callsAfterFlush = scriptCalls.mock.calls.length;
      scriptCalls.mockRestore();
      // Another gateway asks Redis, which counted all 21.
      const otherGateway = new RateLimiter(redis, { windowMs: WINDOW_MS, timeoutMs: 1_000, backoffMs: 1_000, clock: () => now });
      const seenElsewhere = await otherGateway.consume([ip]);

      expect(first).toMatchObject({ admitted: true, remaining: 999 });
      expect(following.map((decision) => decision?.remaining)).toEqual(Array.from({ length: 20 }, (_, i) => 998 - i));
      expect(callsBeforeFlush).toBe(1);
      expect(countBeforeFlush).toBe('1');
      expect(callsAfterFlush).toBe(2);
      expect(await counter('ip', ip.subject)).toBe('22');
      expect(seenElsewhere).toMatchObject({ admitted: true, remaining: 978 });
    });

    it('sends the requests admitted here with the next script call, before its decisions', async () => {
      const ip = rule('ip', 1_000);
      const user = rule('user', 3);
      await limiter.consume([ip]);
      for (let i = 0; i < 5; i += 1) await limiter.consume([ip]);

      // This request's user is new, so it goes to Redis, carrying the five admitted here.
      const decision = await limiter.consume([ip, user]);

      expect(decision).toMatchObject({ admitted: true, rule: 'user', remaining: 2 });
      expect(await counter('ip', ip.subject)).toBe('7');
    });

    it('asks Redis for every request close to the limit, so one gateway admits exactly the limit', async () => {
      const user = rule('user', 30);

      const decisions: (RateLimitDecision | undefined)[] = [];
      for (let i = 0; i < 40; i += 1) decisions.push(await limiter.consume([user]));
      await limiter.flush();

      expect(decisions.filter((decision) => decision?.admitted).map((decision) => decision?.remaining)).toEqual(Array.from({ length: 30 }, (_, i) => 29 - i));
      expect(decisions.slice(30).every((decision) => decision?.admitted === false)).toBe(true);
      expect(await counter('user', user.subject)).toBe('30');
    });

    it('lets two gateways together pass a limit by at most a tenth of what was left, and both refuse once their counts met', async () => {
      const user = rule('user', 200);
      // No timed flush during the test: the gateways learn of each other only through their script calls.
      const gateways = [0, 1].map(() => new RateLimiter(redis, { windowMs: WINDOW_MS, timeoutMs: 1_000, backoffMs: 1_000, clock: () => now, flushMs: 3_600_000 }));

      let admitted = 0;
      for (let i = 0; i < 600; i += 1) if ((await gateways[i % 2]!.consume([user]))?.admitted) admitted += 1;
      await Promise.all(gateways.map((gateway) => gateway.flush()));
      const afterwards = await Promise.all(gateways.map((gateway) => gateway.consume([user])));

      expect(admitted).toBeGreaterThanOrEqual(200);
      expect(admitted).toBeLessThanOrEqual(220);
      expect(await counter('user', user.subject)).toBe(String(admitted));
      expect(afterwards.map((decision) => decision?.admitted)).toEqual([false, false]);
    });

    it('asks Redis again in a new window and when what it knows is older than a second', async () => {
      const ip = rule('ip', 1_000);
      now = WINDOW_START + 59_500;
      await limiter.consume([ip]);
      const scriptCalls = jest.spyOn(redis, 'evalsha');

      await limiter.consume([ip]);
      const sameWindow = scriptCalls.mock.calls.length;
      now = WINDOW_START + 60_100;
      await limiter.consume([ip]);
      const newWindow = scriptCalls.mock.calls.length;
      await limiter.consume([ip]);
      const known = scriptCalls.mock.calls.length;
      now += 1_500;
      await limiter.consume([ip]);
      const stale = scriptCalls.mock.calls.length;
      scriptCalls.mockRestore();

      expect([sameWindow, newWindow, known, stale]).toEqual([0, 1, 1, 2]);
    });
  });

  it('keeps separate counts per rule for the same subject', async () => {
    const subject = randomUUID();

    await limiter.consume([rule('login', 1, subject)]);
    const sameSubjectOtherRule = await limiter.consume([rule('ip', 1, subject)]);

    expect(sameSubjectOtherRule).toMatchObject({ admitted: true });
  });
});
