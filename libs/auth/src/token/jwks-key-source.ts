import { Logger } from '@nestjs/common';
import { createLocalJWKSet, errors, type JSONWebKeySet, type JWTVerifyGetKey, type KeyLike } from 'jose';
import { AuthException } from '../errors/auth.exception';

export interface JwksKeySourceOptions {
  url: string;
  /** Minimum time between two fetches caused by an unknown `kid` (bounds what forged tokens can cause). */
  refetchCooldownMs: number;
  /** Age after which the keys are refreshed; a failed refresh keeps the keys already held. */
  maxAgeMs: number;
  timeoutMs: number;
}

type LocalKeySet = ReturnType<typeof createLocalJWKSet>;
type ProtectedHeader = Parameters<JWTVerifyGetKey>[0];
type FlattenedToken = Parameters<JWTVerifyGetKey>[1];

// While no key was ever fetched, a failed fetch is not retried sooner than this.
const FIRST_FETCH_RETRY_MS = 1_000;

/**
 * The permissions service's signing keys, fetched from its JWKS and cached. A token with an
 * unknown `kid` triggers a refetch (at most once per cooldown), which is how a rotated key is
 * picked up. Unlike jose's `createRemoteJWKSet`, stale keys stay in use when a refresh fails, so
 * a service keeps verifying tokens while the permissions service is down.
 */
export class JwksKeySource {
  private readonly logger = new Logger(JwksKeySource.name);
  private keys: LocalKeySet | undefined;
  private keySet: JSONWebKeySet | undefined;
  private heldKeyIds = new Set<string>();
  private fetchedAt = 0;
  private attemptedAt = Number.NEGATIVE_INFINITY;
  private lastError: unknown;
  private pending: Promise<void> | undefined;

  constructor(private readonly options: JwksKeySourceOptions) {}

  /** The key for a token's header, in the shape `jwtVerify` takes. */
  readonly getKey = (header: ProtectedHeader, token: FlattenedToken): Promise<KeyLike | Uint8Array> =>
    this.resolve(header, token);

  /** The keys currently held (for diagnostics and tests). */
  get keyIds(): string[] {
    return [...this.heldKeyIds];
  }

  /**
   * Whether the key `kid` is held, after refreshing the keys when they are due as a verification
   * would: a token it signed and that verified before still verifies. False once a refresh has
   * seen the issuer withdraw the key.
   */
  async holds(kid: string): Promise<boolean> {
    await this.currentKeys();
    return this.heldKeyIds.has(kid);
  }

  private async resolve(header: ProtectedHeader, token: FlattenedToken): Promise<KeyLike | Uint8Array> {
    if (typeof header.kid !== 'string' || header.kid.length === 0) throw AuthException.tokenInvalid('the token names no key (kid)');
    const keys = await this.currentKeys();
    try {
      return await keys(header, token);
    } catch (error) {
      if (!(error instanceof errors.JWKSNoMatchingKey) || this.coolingDown()) throw error;
      // An unknown kid: the issuer may have rotated its key since the last fetch.
      await this.refresh().catch((refreshError: unknown) => this.warn(refreshError));
      return (this.keys ?? keys)(header, token);
    }
  }

  private async currentKeys(): Promise<LocalKeySet> {
    if (!this.keys) {
      // Callers arriving while the first fetch is in flight wait for it; only a failed one is not retried at once.
      if (!this.pending && Date.now() - this.attemptedAt < FIRST_FETCH_RETRY_MS) throw AuthException.keysUnavailable(this.lastError);
      await this.refresh().catch((error: unknown) => {
        throw AuthException.keysUnavailable(error);
      });
    } else if (Date.now() - this.fetchedAt >= this.options.maxAgeMs && !this.coolingDown()) {
      await this.refresh().catch((error: unknown) => this.warn(error));
    }
    if (!this.keys) throw AuthException.keysUnavailable(this.lastError);
    return this.keys;
  }

  private coolingDown(): boolean {
    return Date.now() - this.attemptedAt < this.options.refetchCooldownMs;
  }

  // Concurrent callers share one fetch.
  private refresh(): Promise<void> {
    this.pending ??= this.fetchKeys().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  private async fetchKeys(): Promise<void> {
    this.attemptedAt = Date.now();
    try {
      const response = await fetch(this.options.url, {
        headers: { accept: 'application/json' },
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      if (!response.ok) throw new Error(`GET ${this.options.url} answered ${response.status}`);
      const jwks = (await response.json()) as JSONWebKeySet;
      this.keys = createLocalJWKSet(jwks);
      this.keySet = jwks;
      this.heldKeyIds = new Set(jwks.keys.flatMap((key) => (key.kid === undefined ? [] : [key.kid])));
      this.fetchedAt = Date.now();
      this.lastError = undefined;
    } catch (error) {
      this.lastError = error;
      throw error;
    }
  }

  private warn(error: unknown): void {
    this.logger.warn({ err: error, url: this.options.url }, 'Could not refresh the JWKS; keeping the keys already held');
  }
}
