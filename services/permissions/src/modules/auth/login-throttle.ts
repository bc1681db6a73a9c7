import { Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { InjectConfig, InjectRedis } from '@fieldforce/platform';
import { type PermissionsConfig } from '../../config/permissions.config';
import { AuthException } from './auth.exception';

// One round trip, atomic: refuses while the account is locked or the IP is over its limit, else
// counts the attempt against both (a success gives it back). Counting before the password check
// means parallel guesses cannot slip past the limit. Locks the account when it runs out.
const ATTEMPT_SCRIPT = `
local lock_ttl = redis.call('TTL', KEYS[2])
if lock_ttl > 0 then return {0, lock_ttl} end
local ip_count = redis.call('INCR', KEYS[3])
if ip_count == 1 then redis.call('EXPIRE', KEYS[3], ARGV[3]) end
if ip_count > tonumber(ARGV[2]) then
  redis.call('DECR', KEYS[3])
  local ip_ttl = redis.call('TTL', KEYS[3])
  if ip_ttl < 1 then ip_ttl = 1 end
  return {0, ip_ttl}
end
local user_count = redis.call('INCR', KEYS[1])
if user_count == 1 then redis.call('EXPIRE', KEYS[1], ARGV[3]) end
if user_count > tonumber(ARGV[1]) then
  redis.call('SET', KEYS[2], '1', 'EX', ARGV[4])
  redis.call('DEL', KEYS[1])
  redis.call('DECR', KEYS[3])
  return {0, tonumber(ARGV[4])}
end
return {1, 0}`;

const SUCCESS_SCRIPT = `
redis.call('DEL', KEYS[1])
if redis.call('DECR', KEYS[2]) < 0 then redis.call('DEL', KEYS[2]) end
return 1`;

/** Whose login this is, as counted: per tenant and username (whether or not they exist) and per IP. */
export interface LoginSubject {
  tenant: string;
  username: string;
  ip: string;
}

/**
 * Login rate limits in Redis: at most LOGIN_MAX_FAILURES_PER_USER failed logins of one username in
 * the window, then a lockout of LOGIN_LOCKOUT_SECONDS (even the right password is refused); at
 * most LOGIN_MAX_FAILURES_PER_IP unsuccessful attempts from one IP in the window.
 */
@Injectable()
export class LoginThrottle {
  constructor(
    @InjectRedis() private readonly redis: Redis,
    @InjectConfig() private readonly config: PermissionsConfig,
  ) {}

  /** Counts an attempt before the password is checked; throws 429 (with the seconds to wait) when over a limit. */
  async begin(subject: LoginSubject): Promise<void> {
    const { maxFailuresPerUser, maxFailuresPerIp, failureWindowSeconds, lockoutSeconds } = this.config.login;
    const [allowed, retryAfter] = (await this.redis.eval(
      ATTEMPT_SCRIPT,
      3,
      ...this.keys(subject),
      maxFailuresPerUser,
      maxFailuresPerIp,
      failureWindowSeconds,
      lockoutSeconds,
    )) as [number, number];
    if (allowed !== 1) throw AuthException.tooManyAttempts(retryAfter);
  }

  /** A successful login: the username's failures are forgotten and the IP gets its attempt back. */
  async succeeded(subject: LoginSubject): Promise<void> {
    const [userKey, , ipKey] = this.keys(subject);
    await this.redis.eval(SUCCESS_SCRIPT, 2, userKey, ipKey);
  }

  private keys(subject: LoginSubject): [string, string, string] {
    const account = `${subject.tenant.toLowerCase()}:${subject.username.toLowerCase()}`;
    return [`permissions:login:failures:${account}`, `permissions:login:locked:${account}`, `permissions:login:ip:${subject.ip}`];
  }
}
