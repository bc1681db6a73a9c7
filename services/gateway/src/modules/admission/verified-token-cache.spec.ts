import { AuthException, type AuthenticatedUser } from '@fieldforce/auth';
import { VerifiedTokenCache } from './verified-token-cache';

const START = Date.UTC(2026, 0, 5, 9, 0, 0);

function userExpiringAt(expiresAt: number): AuthenticatedUser {
  return {
    userId: 'user-1',
    tenantId: 'tenant-1',
    roles: ['rep'],
    orgPath: 'root',
    scope: 'own',
    rank: 10,
    deviceId: 'device-1',
    amr: ['pwd'],
    tokenId: 'token-1',
    expiresAt: new Date(expiresAt),
  };
}

/** A verifier that accepts `Bearer good-*` headers (each expiring at `expiresAt`) and counts its calls. */
class CountingVerifier {
  calls = 0;
  constructor(private readonly expiresAt: number) {}

  async authenticate(authorization: string | undefined): Promise<AuthenticatedUser> {
    this.calls += 1;
    if (!authorization?.startsWith('Bearer good-')) throw AuthException.tokenInvalid('it is malformed');
    return userExpiringAt(this.expiresAt);
  }
}

describe(VerifiedTokenCache.name, () => {
  let now: number;
  const clock = () => now;

  beforeEach(() => {
    now = START;
  });

  it('verifies a token once and reuses the result within the maximum age', async () => {
    const verifier = new CountingVerifier(START + 900_000);
    const cache = new VerifiedTokenCache(verifier, { maxEntries: 10, maxAgeMs: 60_000, clock });

    await cache.authenticate('Bearer good-a');
    now += 59_000;
    const reused = await cache.authenticate('Bearer good-a');
    now += 2_000;
    await cache.authenticate('Bearer good-a');

    expect(reused.userId).toBe('user-1');
    expect(verifier.calls).toBe(2);
  });

  it('never reuses a verification past the token expiry', async () => {
    const verifier = new CountingVerifier(START + 10_000);
    const cache = new VerifiedTokenCache(verifier, { maxEntries: 10, maxAgeMs: 60_000, clock });

    await cache.authenticate('Bearer good-a');
    now += 10_000;
    await cache.authenticate('Bearer good-a');

    expect(verifier.calls).toBe(2);
  });

  it('does not remember invalid or missing tokens', async () => {
    const verifier = new CountingVerifier(START + 900_000);
    const cache = new VerifiedTokenCache(verifier, { maxEntries: 10, maxAgeMs: 60_000, clock });

    await expect(cache.authenticate('Bearer forged')).rejects.toBeInstanceOf(AuthException);
    await expect(cache.authenticate('Bearer forged')).rejects.toBeInstanceOf(AuthException);
    await expect(cache.authenticate(undefined)).rejects.toBeInstanceOf(AuthException);

    expect(verifier.calls).toBe(3);
  });

  it('keeps at most the configured number of tokens, dropping the oldest', async () => {
    const verifier = new CountingVerifier(START + 900_000);
    const cache = new VerifiedTokenCache(verifier, { maxEntries: 2, maxAgeMs: 60_000, clock });

    await cache.authenticate('Bearer good-a');
    await cache.authenticate('Bearer good-b');
    await cache.authenticate('Bearer good-c');
    await cache.authenticate('Bearer good-c');
    await cache.authenticate('Bearer good-a');

    expect(verifier.calls).toBe(4);
  });
});
