import { decodeProtectedHeader } from 'jose';
import { type AccessTokenVerifier, bearerToken } from './access-token-verifier';
import { type AuthenticatedUser } from './authenticated-user';

export interface VerifiedTokenCacheOptions {
  /** Most tokens remembered; the least recently used one makes room for a new one. */
  maxEntries: number;
  /** The current time in ms (tests pin it). */
  clock?: () => number;
}

interface Entry {
  user: AuthenticatedUser;
  keyId: string;
  expiresAt: number;
}

/**
 * Remembers the Authorization headers a verifier accepted, so a client sending the same access
 * token with every request has its ES256 signature checked once rather than per request. A
 * remembered token is accepted exactly as long as verifying it again would accept it: until its
 * `exp`, and while the key set still holds the key that signed it (refreshed as for a
 * verification, so a key the issuer withdraws stops its tokens within AUTH_JWKS_MAX_AGE_MS).
 * Refused headers are never remembered.
 */
export class VerifiedTokenCache implements Pick<AccessTokenVerifier, 'authenticate'> {
  // A Map iterates in insertion order: re-inserting on use keeps the least recently used first.
  private readonly entries = new Map<string, Entry>();
  private readonly clock: () => number;

  constructor(
    private readonly verifier: Pick<AccessTokenVerifier, 'authenticate' | 'keys'>,
    private readonly options: VerifiedTokenCacheOptions,
  ) {
    this.clock = options.clock ?? Date.now;
  }

  /** The user of a valid bearer token; throws the verifier's `AuthException` otherwise. */
  async authenticate(authorization: string | undefined): Promise<AuthenticatedUser> {
    if (authorization === undefined) return this.verifier.authenticate(authorization);
    const known = this.entries.get(authorization);
    if (known !== undefined) {
      if (this.clock() < known.expiresAt && (await this.verifier.keys.holds(known.keyId))) {
        this.entries.delete(authorization);
        this.entries.set(authorization, known);
        return known.user;
      }
      if (this.entries.get(authorization) === known) this.entries.delete(authorization);
    }
    const user = await this.verifier.authenticate(authorization);
    const { kid } = decodeProtectedHeader(bearerToken(authorization) ?? '');
    // A verified token names its key (the key source refuses one that does not).
    if (kid === undefined) return user;
    if (this.entries.size >= this.options.maxEntries) {
      const leastRecent = this.entries.keys().next();
      if (leastRecent.done !== true) this.entries.delete(leastRecent.value);
    }
    this.entries.set(authorization, { user, keyId: kid, expiresAt: user.expiresAt.getTime() });
    return user;
  }
}
