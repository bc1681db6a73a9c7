import { setTimeout as sleep } from 'node:timers/promises';
import { ACCESS_TOKEN_AUDIENCE, ACCESS_TOKEN_ISSUER } from '@fieldforce/contracts';
import { TestJwks } from '@fieldforce/testing';
import { AccessTokenVerifier, type AuthConfig, AuthErrorCode, AuthException, VerifiedTokenCache } from '../src';

// Keys are refreshed once they are a second old, so a withdrawn key's expiry can be waited for.
const KEYS_MAX_AGE_MS = 1_000;

/** The real verifier, counting the verifications it is asked for. */
class CountingVerifier extends AccessTokenVerifier {
  verifications = 0;

  override async authenticate(authorization: string | undefined): ReturnType<AccessTokenVerifier['authenticate']> {
    this.verifications += 1;
    return super.authenticate(authorization);
  }
}

async function refusal(work: Promise<unknown>): Promise<AuthException> {
  const error = await work.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof AuthException)) throw new Error(`expected an AuthException, got ${String(error)}`);
  return error;
}

describe(VerifiedTokenCache.name, () => {
  let jwks: TestJwks;
  let verifier: CountingVerifier;
  let cache: VerifiedTokenCache;

  beforeEach(async () => {
    jwks = await TestJwks.start();
    const config: AuthConfig = {
      jwksUrl: jwks.url,
      issuer: ACCESS_TOKEN_ISSUER,
      audience: ACCESS_TOKEN_AUDIENCE,
      clockToleranceSeconds: 0,
      jwksRefetchCooldownMs: 0,
      jwksMaxAgeMs: KEYS_MAX_AGE_MS,
      jwksTimeoutMs: 5_000,
    };
    verifier = new CountingVerifier(config);
    cache = new VerifiedTokenCache(verifier, { maxEntries: 100 });
  });

  afterEach(async () => {
    await jwks?.stop();
  });

  const bearer = async (...args: Parameters<TestJwks['sign']>) => `Bearer ${await jwks.sign(...args)}`;

  it('verifies a token once and answers it from memory while it stays valid, also for concurrent requests', async () => {
    const authorization = await bearer({ roles: ['rep'] });

    const first = await cache.authenticate(authorization);
    const again = await Promise.all([1, 2, 3].map(() => cache.authenticate(authorization)));

    expect(again.map((user) => user.userId)).toEqual([first.userId, first.userId, first.userId]);
    expect(verifier.verifications).toBe(1);
  });

  it('refuses a remembered token once it has expired', async () => {
    const authorization = await bearer({}, { expiresInSeconds: 2 });
    const user = await cache.authenticate(authorization);

    await sleep(Math.max(0, user.expiresAt.getTime() - Date.now()) + 50);

    expect((await refusal(cache.authenticate(authorization))).code).toBe(AuthErrorCode.TokenExpired);
  });

  it('refuses a remembered token once the issuer withdrew its key, when the keys are next refreshed, as verifying it again does', async () => {
    const withdrawnKid = jwks.currentKid;
    const oldToken = await bearer();
    await jwks.rotate();
    const newToken = await bearer();
    await cache.authenticate(oldToken);
    await cache.authenticate(newToken);

    jwks.retire(withdrawnKid);
    // Until the keys are due for a refresh, a fresh verification accepts the token as well.
    const beforeRefresh = await cache.authenticate(oldToken);
    expect((await verifier.authenticate(oldToken)).tokenId).toBe(beforeRefresh.tokenId);

    await sleep(KEYS_MAX_AGE_MS + 100);

    const refused = await refusal(cache.authenticate(oldToken));
    expect(refused.code).toBe(AuthErrorCode.TokenInvalid);
    expect(refused.message).toMatch(/unknown key/);
    expect((await refusal(verifier.authenticate(oldToken))).code).toBe(AuthErrorCode.TokenInvalid);
    expect(verifier.keys.keyIds).not.toContain(withdrawnKid);
    // A token of a key still published is still answered from memory.
    const verificationsBefore = verifier.verifications;
    await cache.authenticate(newToken);
    expect(verifier.verifications).toBe(verificationsBefore);
  });

  it('never remembers a refused header', async () => {
    const forged = await bearer({}, { unpublishedKey: true });

    for (const authorization of [forged, forged, 'Basic dXNlcjpwdw==', 'Basic dXNlcjpwdw==', undefined]) {
      await refusal(cache.authenticate(authorization));
    }

    expect(verifier.verifications).toBe(5);
  });

  it('keeps at most the configured number of tokens, dropping the least recently used', async () => {
    const small = new VerifiedTokenCache(verifier, { maxEntries: 2 });
    const [a, b, c] = await Promise.all([bearer(), bearer(), bearer()]);

    // a, b; a used again; c pushes out b, the least recently used; a is still known, b is verified again.
    for (const authorization of [a, b, a, c, a, b]) await small.authenticate(authorization);

    expect(verifier.verifications).toBe(4);
  });
});
