import { createHash } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { type Redis } from 'ioredis';
import { Counter, register } from 'prom-client';
import { type RateLimitName } from '../admission/gateway.exception';
import { SLIDING_WINDOW_SCRIPT } from './sliding-window.script';

/** One limit a request counts against: `limit` requests per window for `subject` (a user or an IP). */
export interface RateLimitRule {
  name: RateLimitName;
  subject: string;
  limit: number;
}

/** The outcome for one request: admitted or not, and the numbers of the rule that matters most. */
export interface RateLimitDecision {
  admitted: boolean;
  /** The refusing rule, or when admitted the rule with the fewest requests left. */
  rule: RateLimitName;
  limit: number;
  remaining: number;
  /** Seconds until the rule admits again (refused) or until its current window ends (admitted). */
  resetSeconds: number;
}

export interface RateLimiterOptions {
  windowMs: number;
  /** How long a decision may take before the request passes unlimited. */
  timeoutMs: number;
  /** After a failed or slow decision, requests pass without asking Redis for this long. */
  backoffMs: number;
  /** The current time in ms (tests pin it). */
  clock?: () => number;
  /** How soon the requests admitted without asking Redis are added to its counts (default 100 ms). */
  flushMs?: number;
}

/** The limits are per minute. */
export const RATE_LIMIT_WINDOW_MS = 60_000;
/** A Redis that has not decided by then is treated as down for that request (fail open). */
export const RATE_LIMIT_DECISION_TIMEOUT_MS = 250;
/** A hanging Redis would otherwise add the timeout to every request. */
export const RATE_LIMIT_BACKOFF_MS = 1_000;

const SCRIPT_SHA = createHash('sha1').update(SLIDING_WINDOW_SCRIPT).digest('hex');
const FAIL_OPEN_METRIC = 'gateway_rate_limit_fail_open_total';
// While Redis stays down, one warning per interval rather than one per request.
const WARN_INTERVAL_MS = 30_000;

type FailOpenReason = 'unavailable' | 'timeout' | 'error' | 'backoff';

function failOpenCounter(): Counter<'reason'> {
  const existing = register.getSingleMetric(FAIL_OPEN_METRIC);
  if (existing instanceof Counter) return existing;
  return new Counter({
    name: FAIL_OPEN_METRIC,
    help: 'Requests admitted without a rate-limit decision because Redis was unavailable, slow or failing',
    labelNames: ['reason'],
  });
}

class DecisionTimeout extends Error {}

function allowanceKey(rule: RateLimitRule): string {
  return `${rule.name}:${rule.subject}`;
}

/** The counters of a rule's subject: its current and its previous fixed window. */
function windowKeys(key: string, window: number): [string, string] {
  return [`ratelimit:${key}:${window}`, `ratelimit:${key}:${window - 1}`];
}

interface PendingDecision {
  rules: readonly RateLimitRule[];
  resolve: (decision: RateLimitDecision | undefined) => void;
  reject: (error: unknown) => void;
}

/** What this gateway knows of one rule's subject: Redis's count at `at`, and what it admitted since. */
interface Allowance {
  window: number;
  /** The sliding count Redis returned, in thousandths of a request. */
  count: number;
  at: number;
  /** Admitted here and not yet sent to Redis. */
  unsent: number;
  /** Sent in a script call that has not answered yet. */
  sending: number;
}

interface Increment {
  key: string;
  allowance: Allowance;
  /** The window the requests were admitted in (the allowance may move on before Redis answers). */
  window: number;
  amount: number;
}

// Bounds a script call's keys and its time inside Redis, which serves nobody else meanwhile.
const MAX_BATCH = 64;
const MAX_INCREMENTS = 256;
// A gateway admits on its own at most this share of what Redis last said was left, so that up to
// ten gateways together cannot pass a limit before their counts meet in Redis; with fewer than ten
// requests left, every request asks Redis.
const LOCAL_SHARE = 0.1;
// Older knowledge is not used: other gateways' requests reach Redis meanwhile.
const ALLOWANCE_MAX_AGE_MS = 1_000;
const MAX_ALLOWANCES = 100_000;
const DEFAULT_FLUSH_MS = 100;

/**
 * Per-user and per-IP rate limits in Redis (sliding window). The requests arriving in one turn
 * of the event loop are decided by one script call, each as if on its own and in arrival order:
 * a round trip and a script run per batch rather than per request.
 * A subject far from its limit costs no round trip at all: after Redis has counted it, this
 * gateway admits up to a tenth of what was left on its own for a second, and adds those requests
 * to Redis's counts within `flushMs` (or with the next script call, before its decisions). Close
 * to a limit every request is decided in Redis, so a limit holds exactly for one gateway and
 * within a tenth of what was left for up to ten; admitted requests of the last `flushMs` before a
 * gateway stops go uncounted.
 * Fails open: while Redis is down or slow, requests pass unlimited, counted in a metric and
 * logged, because rate limiting protects the API and must never be what takes it down.
 */
export class RateLimiter {
  private readonly logger = new Logger(RateLimiter.name);
  private readonly failOpen = failOpenCounter();
  private readonly clock: () => number;
  private lastWarningAt = Number.NEGATIVE_INFINITY;
  private backoffUntil = Number.NEGATIVE_INFINITY;
  private failing = false;
  private pending: PendingDecision[] = [];
  private readonly allowances = new Map<string, Allowance>();
  private flushTimer: NodeJS.Timeout | undefined;
  private sweptAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly redis: Redis,
    private readonly options: RateLimiterOptions,
  ) {
    this.clock = options.clock ?? Date.now;
  }

  /** Counts the request against every rule, or against none when one refuses it; undefined when Redis could not decide. */
  consume(rules: readonly RateLimitRule[]): Promise<RateLimitDecision | undefined> {
    // Not connected: answer at once instead of queueing behind ioredis's reconnect attempts.
    if (this.redis.status !== 'ready') return Promise.resolve(this.admitUnlimited('unavailable'));
    if (this.clock() < this.backoffUntil) return Promise.resolve(this.admitUnlimited('backoff'));
    const local = this.admitLocally(rules);
    if (local !== undefined) return Promise.resolve(local);
    return new Promise((resolve, reject) => {
      this.pending.push({ rules, resolve, reject });
      // The requests arriving in this turn of the event loop share one script call.
      if (this.pending.length === 1) setImmediate(() => this.decidePending());
    });
  }

  /** Sends what this gateway admitted on its own to Redis now (tests; a stopping gateway). */
  async flush(): Promise<void> {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    await this.decideBatch([]);
  }

  /** Admits the request without Redis when every rule has room enough by what Redis said last; undefined otherwise. */
  private admitLocally(rules: readonly RateLimitRule[]): RateLimitDecision | undefined {
    const now = this.clock();
    const window = Math.floor(now / this.options.windowMs);
    const allowances: Allowance[] = [];
    for (const rule of rules) {
      const allowance = this.allowances.get(allowanceKey(rule));
      if (allowance === undefined || allowance.window !== window || now - allowance.at > ALLOWANCE_MAX_AGE_MS) return undefined;
      const admittedHere = allowance.unsent + allowance.sending;
      if (admittedHere + 1 > Math.floor((rule.limit - allowance.count / 1000) * LOCAL_SHARE)) return undefined;
      allowances.push(allowance);
    }
    // As the script would answer: each rule's count before this request, including what was admitted here.
    const counts = allowances.map((allowance) => allowance.count + (allowance.unsent + allowance.sending) * 1000);
    for (const allowance of allowances) allowance.unsent += 1;
    this.flushTimer ??= setTimeout(() => {
      this.flushTimer = undefined;
      this.decideBatch([]).catch((error: unknown) => this.logger.error({ err: error }, 'Sending locally admitted requests to Redis failed'));
    }, this.options.flushMs ?? DEFAULT_FLUSH_MS).unref();
    return this.decision(rules, [0, 0, ...counts], now - window * this.options.windowMs);
  }

  private decidePending(): void {
    const pending = this.pending;
    this.pending = [];
    for (let start = 0; start < pending.length; start += MAX_BATCH) {
      const batch = pending.slice(start, start + MAX_BATCH);
      // Settling a settled promise does nothing: this only reaches requests a failure left waiting.
      this.decideBatch(batch).catch((error: unknown) => batch.forEach(({ reject }) => reject(error)));
    }
  }

  /** One script call: adds the requests admitted here since the last call, then decides `batch`. */
  private async decideBatch(batch: PendingDecision[]): Promise<void> {
    const now = this.clock();
    const window = Math.floor(now / this.options.windowMs);
    const elapsedMs = now - window * this.options.windowMs;
    const increments = this.takeIncrements();
    if (increments.length === 0 && batch.length === 0) return;
    const keys: string[] = [];
    const args: number[] = [elapsedMs, this.options.windowMs, increments.length];
    for (const increment of increments) {
      keys.push(...windowKeys(increment.key, increment.window));
      args.push(increment.amount);
    }
    args.push(batch.length);
    for (const { rules } of batch) {
      args.push(rules.length);
      for (const rule of rules) {
        keys.push(...windowKeys(allowanceKey(rule), window));
        args.push(rule.limit);
      }
    }
    let reply: number[];
    try {
      reply = await this.withTimeout(this.runScript(keys, args));
    } catch (error) {
      // The requests admitted here stay uncounted, as all others do while Redis fails.
      for (const { allowance, amount } of increments) allowance.sending -= amount;
      this.backoffUntil = this.clock() + this.options.backoffMs;
      const reason = error instanceof DecisionTimeout ? 'timeout' : 'error';
      for (const { resolve } of batch) resolve(this.admitUnlimited(reason, error));
      return;
    }
    this.recovered();
    increments.forEach((increment, index) => {
      increment.allowance.sending -= increment.amount;
      this.remember(increment.key, increment.window, reply[index] ?? 0, now);
    });
    let offset = increments.length;
    for (const { rules, resolve } of batch) {
      const answer = reply.slice(offset, offset + 2 + rules.length);
      offset += 2 + rules.length;
      const decision = this.decision(rules, answer, elapsedMs);
      // Each rule's count after this request: the next decisions here start from it.
      rules.forEach((rule, index) => this.remember(allowanceKey(rule), window, (answer[2 + index] ?? 0) + (decision.admitted ? 1000 : 0), now));
      resolve(decision);
    }
  }

  /** The requests admitted here and not yet sent, moved to `sending`. */
  private takeIncrements(): Increment[] {
    const increments: Increment[] = [];
    for (const [key, allowance] of this.allowances) {
      if (allowance.unsent === 0) continue;
      increments.push({ key, allowance, window: allowance.window, amount: allowance.unsent });
      allowance.sending += allowance.unsent;
      allowance.unsent = 0;
      if (increments.length === MAX_INCREMENTS) break;
    }
    return increments;
  }

  private remember(key: string, window: number, count: number, at: number): void {
    this.sweep(at);
    const allowance = this.allowances.get(key);
    if (allowance === undefined) {
      if (this.allowances.size < MAX_ALLOWANCES) this.allowances.set(key, { window, count, at, unsent: 0, sending: 0 });
      return;
    }
    // A count of an earlier window says nothing about this one; what was admitted here stays to be sent.
    if (window < allowance.window) return;
    allowance.window = window;
    allowance.count = count;
    allowance.at = at;
  }

  /** Forgets subjects not seen for a while, at most once per ALLOWANCE_MAX_AGE_MS. */
  private sweep(now: number): void {
    if (now - this.sweptAt < ALLOWANCE_MAX_AGE_MS) return;
    this.sweptAt = now;
    for (const [key, allowance] of this.allowances) {
      if (allowance.unsent === 0 && allowance.sending === 0 && now - allowance.at > ALLOWANCE_MAX_AGE_MS) this.allowances.delete(key);
    }
  }

  private decision(rules: readonly RateLimitRule[], reply: number[], elapsedMs: number): RateLimitDecision {
    const [refusing = 0, waitMs = 0, ...counts] = reply;
    const refusedBy = rules[refusing - 1];
    if (refusedBy !== undefined) {
      return { admitted: false, rule: refusedBy.name, limit: refusedBy.limit, remaining: 0, resetSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
    }
    const resetSeconds = Math.max(1, Math.ceil((this.options.windowMs - elapsedMs) / 1000));
    const remaining = rules.map((rule, index) => Math.max(0, Math.floor(rule.limit - (counts[index] ?? 0) / 1000 - 1)));
    let tightest = 0;
    remaining.forEach((left, index) => {
      if (left < (remaining[tightest] ?? Infinity)) tightest = index;
    });
    const rule = rules[tightest];
    if (rule === undefined) throw new RangeError('a rate-limit decision needs at least one rule');
    return { admitted: true, rule: rule.name, limit: rule.limit, remaining: remaining[tightest] ?? 0, resetSeconds };
  }

  private async runScript(keys: string[], args: number[]): Promise<number[]> {
    try {
      return (await this.redis.evalsha(SCRIPT_SHA, keys.length, ...keys, ...args)) as number[];
    } catch (error) {
      // First use on this Redis (or after a restart): EVAL loads the script, later calls find it by hash.
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return (await this.redis.eval(SLIDING_WINDOW_SCRIPT, keys.length, ...keys, ...args)) as number[];
    }
  }

  private withTimeout<T>(work: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new DecisionTimeout(`no rate-limit decision within ${this.options.timeoutMs} ms`)), this.options.timeoutMs);
    });
    return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
  }

  private admitUnlimited(reason: FailOpenReason, error?: unknown): undefined {
    this.failOpen.inc({ reason });
    this.failing = true;
    const now = this.clock();
    if (now - this.lastWarningAt >= WARN_INTERVAL_MS) {
      this.lastWarningAt = now;
      this.logger.warn({ err: error, reason }, 'Rate limits not enforced: Redis could not decide, requests pass unlimited');
    }
    return undefined;
  }

  private recovered(): void {
    if (!this.failing) return;
    this.failing = false;
    this.lastWarningAt = Number.NEGATIVE_INFINITY;
    this.logger.log('Rate limits enforced again: Redis answers');
  }
}
