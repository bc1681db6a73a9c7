import { type AccessTokenVerifier, type AuthenticatedUser } from '@fieldforce/auth';

export interface VerifiedTokenCacheOptions {
  /** Most tokens remembered; the oldest entry makes room for a new one. */
  maxEntries: number;
  /** Longest time a verification is reused (never beyond the token's own expiry). */
  maxAgeMs: number;
  /** The current time in ms (tests pin it). */
  clock?: () => number;
}

interface Entry {
  user: AuthenticatedUser;
  reuseUntil: number;
}

/**
 * Reuses the verification of an Authorization header for a short while: a client sends the same
 * access token with every request for minutes, and the ES256 signature check is the gateway's
 * largest per-request cost. A token is immutable, so its verification holds until it expires;
 * invalid tokens are never remembered. The services behind still verify every request.
 */
export class VerifiedTokenCache implements Pick<AccessTokenVerifier, 'authenticate'> {
  private readonly entries = new Map<string, Entry>();
  private readonly clock: () => number;

  constructor(
    private readonly verifier: Pick<AccessTokenVerifier, 'authenticate'>,
    private readonly options: VerifiedTokenCacheOptions,
  ) {
    this.clock = options.clock ?? Date.now;
  }

  /** The user of a valid bearer token; throws the verifier's `AuthException` otherwise. */
  async authenticate(authorization: string | undefined): Promise<AuthenticatedUser> {
    if (authorization === undefined) return this.verifier.authenticate(authorization);
    const now = this.clock();
    const known = this.entries.get(authorization);
    if (known !== undefined && now < known.reuseUntil) return known.user;
    const user = await this.verifier.authenticate(authorization);
    this.entries.delete(authorization);
    if (this.entries.size >= this.options.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done !== true) this.entries.delete(oldest.value);
    }
    this.entries.set(authorization, { user, reuseUntil: Math.min(user.expiresAt.getTime(), now + this.options.maxAgeMs) });
    return user;
  }
}
