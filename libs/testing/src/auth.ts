import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { type AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWK, type KeyLike, SignJWT } from 'jose';
import {
  ACCESS_TOKEN_ALGORITHM,
  ACCESS_TOKEN_AUDIENCE,
  ACCESS_TOKEN_ISSUER,
  type AccessTokenClaims,
  PASSWORD_ONLY_AMR,
  TOTP_AMR,
  type BuiltInRoleName,
  type DataScope,
  JWKS_PATH,
} from '@fieldforce/contracts';

/** Claims of a test token: any may be overridden, issuer and audience with wrong values too. */
export type TestTokenClaims = Partial<Omit<AccessTokenClaims, 'iss' | 'aud'>> & { iss?: string; aud?: string };

/** Every claim of a test token; issuer and audience may be wrong on purpose. */
export type TestAccessClaims = Omit<AccessTokenClaims, 'iss' | 'aud'> & { iss: string; aud: string };

export interface TestSignOptions {
  /** Seconds until expiry from `iat` (negative: already expired). Default 900. */
  expiresInSeconds?: number;
  /** Sign with a key the JWKS never publishes (its `kid` is unknown to every verifier). */
  unpublishedKey?: boolean;
}

interface SigningKey {
  kid: string;
  privateKey: KeyLike;
  publicJwk: JWK;
}

// Scope and rank of the built-in roles, so `{ roles: ['rep'] }` alone gives a consistent token.
const BUILT_IN_CLAIMS: Record<BuiltInRoleName, { scope: DataScope; rank: number }> = {
  rep: { scope: 'own', rank: 10 },
  supervisor: { scope: 'team', rank: 20 },
  regional_manager: { scope: 'region', rank: 30 },
  admin: { scope: 'all', rank: 100 },
};

function builtInClaimsOf(roles: readonly string[]): { scope: DataScope; rank: number } {
  const known = roles.flatMap((role) => (role in BUILT_IN_CLAIMS ? [BUILT_IN_CLAIMS[role as BuiltInRoleName]] : []));
  return known.reduce((widest, claims) => (claims.rank > widest.rank ? claims : widest), { scope: 'own', rank: 0 });
}

async function newSigningKey(): Promise<SigningKey> {
  const kid = `test-${randomUUID()}`;
  const { privateKey, publicKey } = await generateKeyPair(ACCESS_TOKEN_ALGORITHM, { extractable: true });
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: ACCESS_TOKEN_ALGORITHM, use: 'sig' };
  return { kid, privateKey, publicJwk };
}

/**
 * A stand-in for the permissions service's token issuing: ES256 key pairs, a real HTTP server
 * publishing them at `/.well-known/jwks.json`, and signing of access tokens with any claims.
 */
export class TestJwks {
  /** How many times the key set was fetched. */
  fetchCount = 0;
  private readonly published: SigningKey[] = [];
  private available = true;

  private constructor(
    private readonly server: http.Server,
    private signing: SigningKey,
  ) {
    this.published.push(signing);
  }

  /** Starts the server on a free port of 127.0.0.1 with one key. */
  static async start(): Promise<TestJwks> {
    const server = http.createServer();
    const jwks = new TestJwks(server, await newSigningKey());
    server.on('request', (request, response) => jwks.answer(request, response));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    // Never keeps a test worker alive.
    server.unref();
    return jwks;
  }

  /** The URL to configure as `AUTH_JWKS_URL`. */
  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}${JWKS_PATH}`;
  }

  /** The `kid` new tokens are signed with. */
  get currentKid(): string {
    return this.signing.kid;
  }

  /** The variables that point a service's config at this server (no refetch cooldown, for rotation tests). */
  env(): Record<string, string> {
    return { AUTH_JWKS_URL: this.url, AUTH_JWKS_REFETCH_COOLDOWN_MS: '0' };
  }

  /** Publishes a new key and signs with it from now on; the old key stays published. Resolves to the new kid. */
  async rotate(): Promise<string> {
    this.signing = await newSigningKey();
    this.published.push(this.signing);
    return this.signing.kid;
  }

  /** Stops publishing a key (as the issuer does once its tokens have expired). */
  retire(kid: string): void {
    const index = this.published.findIndex((key) => key.kid === kid);
    if (index >= 0) this.published.splice(index, 1);
  }

  /** While false, the key set answers 503, as when the permissions service is down. */
  setAvailable(available: boolean): void {
    this.available = available;
  }

  /** An access token with valid defaults for every claim not given (a fresh user and tenant, role admin). */
  async sign(claims: TestTokenClaims = {}, options: TestSignOptions = {}): Promise<string> {
    const key = options.unpublishedKey ? await newSigningKey() : this.signing;
    const payload = testAccessClaims(claims, options.expiresInSeconds);
    return new SignJWT({ ...payload })
      .setProtectedHeader({ alg: ACCESS_TOKEN_ALGORITHM, kid: key.kid, typ: 'JWT' })
      .sign(key.privateKey);
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private answer(request: http.IncomingMessage, response: http.ServerResponse): void {
    // No keep-alive: an idle socket would outlive the test.
    response.setHeader('connection', 'close');
    if (request.url !== JWKS_PATH) {
      response.writeHead(404).end();
      return;
    }
    this.fetchCount += 1;
    if (!this.available) {
      response.writeHead(503).end();
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ keys: this.published.map((key) => key.publicJwk) }));
  }
}

/**
 * Complete access-token claims: `claims` over defaults (new user and tenant ids, role admin,
 * valid for 15 min; `amr` of a password login, with TOTP for an admin, whose role requires it).
 */
export function testAccessClaims(claims: TestTokenClaims = {}, expiresInSeconds = 900): TestAccessClaims {
  const now = Math.floor(Date.now() / 1000);
  const roles = claims.roles ?? ['admin'];
  const iat = claims.iat ?? now;
  return {
    iss: ACCESS_TOKEN_ISSUER,
    aud: ACCESS_TOKEN_AUDIENCE,
    sub: randomUUID(),
    tid: randomUUID(),
    org: 'root',
    deviceId: 'test-device',
    jti: randomUUID(),
    amr: roles.includes('admin') ? [PASSWORD_ONLY_AMR, TOTP_AMR] : [PASSWORD_ONLY_AMR],
    ...builtInClaimsOf(roles),
    ...claims,
    roles,
    iat,
    exp: claims.exp ?? iat + expiresInSeconds,
  };
}

let sharedJwks: Promise<TestJwks> | undefined;

/** The test file's shared JWKS server, started on first use. */
export function testJwks(): Promise<TestJwks> {
  sharedJwks ??= TestJwks.start();
  return sharedJwks;
}

/** An access token signed by the shared test JWKS (point the service at it with `(await testJwks()).env()`). */
export async function signTestToken(claims: TestTokenClaims = {}, options: TestSignOptions = {}): Promise<string> {
  return (await testJwks()).sign(claims, options);
}
