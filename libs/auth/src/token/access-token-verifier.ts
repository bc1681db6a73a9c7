import { TypeCompiler } from '@sinclair/typebox/compiler';
import { Type } from '@sinclair/typebox';
import { errors, jwtVerify } from 'jose';
import { ACCESS_TOKEN_ALGORITHM, type AccessTokenClaims, AccessTokenClaimsSchema } from '@fieldforce/contracts';
import { type AuthConfig } from '../config/auth-config';
import { AuthException } from '../errors/auth.exception';
import { type AuthenticatedUser, toAuthenticatedUser } from './authenticated-user';
import { JwksKeySource } from './jwks-key-source';

// Issuer and audience are checked by jose against the configured values, the rest here.
const claimsCheck = TypeCompiler.Compile(Type.Omit(AccessTokenClaimsSchema, ['iss', 'aud']));
// Far beyond any real token; refuses oversized input before any parsing.
const MAX_TOKEN_LENGTH = 8_192;
const BEARER = /^Bearer[ \t]+([A-Za-z0-9\-._~+/]+=*)[ \t]*$/i;

/**
 * The token of an `Authorization: Bearer <token>` header; undefined when there is no header or
 * another scheme. Throws for a Bearer header whose token is malformed.
 */
export function bearerToken(authorization: string | undefined): string | undefined {
  if (authorization === undefined || !/^Bearer(\s|$)/i.test(authorization)) return undefined;
  const match = BEARER.exec(authorization);
  if (!match?.[1]) throw AuthException.tokenInvalid('the Authorization header holds no well-formed bearer token');
  return match[1];
}

/**
 * Verifies access tokens against the permissions service's JWKS: ES256 signature by a published
 * key, issuer, audience, expiry (with a small clock tolerance) and the shape of every claim.
 * Has no Nest dependency, so the gateway uses it before proxying.
 */
export class AccessTokenVerifier {
  constructor(
    private readonly config: AuthConfig,
    readonly keys: JwksKeySource = new JwksKeySource({
      url: config.jwksUrl,
      refetchCooldownMs: config.jwksRefetchCooldownMs,
      maxAgeMs: config.jwksMaxAgeMs,
      timeoutMs: config.jwksTimeoutMs,
    }),
  ) {}

  /** The claims of a valid token; throws an `AuthException` (401, or 503 without keys) otherwise. */
  async verify(token: string): Promise<AccessTokenClaims> {
    if (token.length > MAX_TOKEN_LENGTH) throw AuthException.tokenInvalid('the token is too long');
    let payload: unknown;
    try {
      ({ payload } = await jwtVerify(token, this.keys.getKey, {
        algorithms: [ACCESS_TOKEN_ALGORITHM],
        issuer: this.config.issuer,
        audience: this.config.audience,
        clockTolerance: this.config.clockToleranceSeconds,
        requiredClaims: ['exp', 'iat', 'sub', 'jti'],
      }));
    } catch (error) {
      throw toAuthException(error);
    }
    if (!claimsCheck.Check(payload)) {
      const first = claimsCheck.Errors(payload).First();
      const claim = first?.path.replace(/^\//, '') || 'payload';
      throw AuthException.tokenInvalid(`claim ${claim} is missing or malformed`);
    }
    return payload as AccessTokenClaims;
  }

  /** The user of an `Authorization` header; a missing token is a 401 too. */
  async authenticate(authorization: string | undefined): Promise<AuthenticatedUser> {
    const token = bearerToken(authorization);
    if (token === undefined) throw AuthException.tokenMissing();
    return toAuthenticatedUser(await this.verify(token));
  }
}

function toAuthException(error: unknown): AuthException {
  if (error instanceof AuthException) return error;
  if (error instanceof errors.JWTExpired) return AuthException.tokenExpired(error);
  if (error instanceof errors.JWTClaimValidationFailed) {
    return AuthException.tokenInvalid(`claim ${error.claim} failed its check (${error.reason})`, error);
  }
  if (error instanceof errors.JWKSNoMatchingKey) return AuthException.tokenInvalid('it is signed by an unknown key', error);
  if (error instanceof errors.JWSSignatureVerificationFailed) return AuthException.tokenInvalid('its signature does not verify', error);
  if (error instanceof errors.JOSEAlgNotAllowed) return AuthException.tokenInvalid(`only ${ACCESS_TOKEN_ALGORITHM} is accepted`, error);
  if (error instanceof errors.JOSEError) return AuthException.tokenInvalid('it is malformed', error);
  // Key lookup problems surface as AuthException above; anything else is a programming error.
  throw error;
}
