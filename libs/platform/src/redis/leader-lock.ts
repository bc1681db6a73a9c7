import { randomUUID } from 'node:crypto';
import type Redis from 'ioredis';

// KEYS[1] the lock, KEYS[2] the fencing counter; ARGV[1] the owner, ARGV[2] the TTL in ms.
// Free lock: take it with the next fencing token. Own lock: extend it, keep the token. Else 0.
const ACQUIRE_OR_RENEW = `
local current = redis.call('GET', KEYS[1])
if not current then
  local token = redis.call('INCR', KEYS[2])
  redis.call('SET', KEYS[1], ARGV[1] .. ' ' .. token, 'PX', ARGV[2])
  return token
end
local space = string.find(current, ' ', 1, true)
if space and string.sub(current, 1, space - 1) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return tonumber(string.sub(current, space + 1))
end
return 0`;

// Deletes the lock only while this owner holds it.
const RELEASE = `
local current = redis.call('GET', KEYS[1])
if current and string.sub(current, 1, string.len(ARGV[1]) + 1) == ARGV[1] .. ' ' then
  return redis.call('DEL', KEYS[1])
end
return 0`;

export interface LeaderLockOptions {
  /** Name of the lock; the keys are `{<name>}:lock` and `{<name>}:fence` (one hash slot, for Redis Cluster). */
  name: string;
  /** How long the lock outlives its last renewal: the longest a dead leader blocks a successor. */
  ttlMs: number;
}

/**
 * A leader lock in Redis with a TTL and fencing tokens: one holder at a time, each new holder gets a
 * larger token. A holder that stalls past the TTL may still believe it leads, so whatever it writes
 * must carry its token and the store must refuse tokens smaller than one it has seen (the fence).
 */
export class LeaderLock {
  /** Identifies this holder in the lock's value. */
  readonly owner = randomUUID();
  private readonly lockKey: string;
  private readonly fenceKey: string;
  private heldToken: number | undefined;
  private validUntil = 0;

  constructor(
    private readonly redis: Redis,
    private readonly options: LeaderLockOptions,
  ) {
    this.lockKey = `{${options.name}}:lock`;
    this.fenceKey = `{${options.name}}:fence`;
  }

  /**
   * Takes the lock when it is free or extends it when this holder has it; the fencing token while
   * leading, undefined otherwise (also when Redis cannot be reached: no leader is safer than two).
   */
  async acquireOrRenew(): Promise<number | undefined> {
    const startedAt = Date.now();
    try {
      const token = Number(await this.redis.eval(ACQUIRE_OR_RENEW, 2, this.lockKey, this.fenceKey, this.owner, String(this.options.ttlMs)));
      this.heldToken = token > 0 ? token : undefined;
      // Counted from before the call: the lock may have been set a moment before the answer arrived.
      this.validUntil = token > 0 ? startedAt + this.options.ttlMs : 0;
    } catch {
      this.heldToken = undefined;
      this.validUntil = 0;
    }
    return this.heldToken;
  }

  /** The fencing token while the last renewal is within its TTL by this process's clock, else undefined. */
  get token(): number | undefined {
    return Date.now() < this.validUntil ? this.heldToken : undefined;
  }

  /** Gives the lock up (if still held), so a successor need not wait for the TTL. */
  async release(): Promise<void> {
    this.heldToken = undefined;
    this.validUntil = 0;
    await this.redis.eval(RELEASE, 1, this.lockKey, this.owner);
  }
}
