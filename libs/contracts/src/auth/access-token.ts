import { type Static, Type } from '@sinclair/typebox';
import '../formats';
import { DATA_SCOPES, type DataScope } from './data-scope';

/** `iss` of every access token: the permissions service issues them. */
export const ACCESS_TOKEN_ISSUER = 'fieldforce-permissions';
/** `aud` of every access token: every fieldforce service accepts them. */
export const ACCESS_TOKEN_AUDIENCE = 'fieldforce';
/** The only signing algorithm access tokens use (and the only one verifiers may accept). */
export const ACCESS_TOKEN_ALGORITHM = 'ES256';
/** Path of the key set that verifies access tokens, served by the permissions service. */
export const JWKS_PATH = '/.well-known/jwks.json';

/**
 * `amr` value of a token issued to a user whose role requires TOTP but who has not enrolled yet:
 * such a token may only reach `/api/v1/auth/totp/*` and `/api/v1/me` until the user enrols.
 */
export const PASSWORD_ONLY_AMR = 'pwd';
/** `amr` value of a token issued after password and TOTP. */
export const TOTP_AMR = 'otp';

/** The claims of a fieldforce access token (ES256 JWT with a `kid` header, issued by permissions). */
export interface AccessTokenClaims {
  iss: typeof ACCESS_TOKEN_ISSUER;
  aud: typeof ACCESS_TOKEN_AUDIENCE;
  /** The user id. */
  sub: string;
  /** The tenant id; every query filters by it. */
  tid: string;
  /** Role names of the user. */
  roles: string[];
  /** Org-unit path of the user, ltree labels joined by `.`. */
  org: string;
  /** The widest data scope among the user's roles. */
  scope: DataScope;
  /** The highest rank among the user's roles (sync conflict priority). */
  rank: number;
  deviceId: string;
  /**
   * Authentication methods of the login (RFC 8176): `['pwd']` or `['pwd', 'otp']`. A token without
   * `otp` of a user whose roles require TOTP is restricted to TOTP enrolment and `/api/v1/me`.
   */
  amr?: string[];
  /** The login session (refresh-token family) the token belongs to; revoked as a whole. */
  sid?: string;
  iat: number;
  exp: number;
  jti: string;
}

const ORG_PATH_PATTERN = '^[A-Za-z0-9_]+(\\.[A-Za-z0-9_]+)*$';

/** Schema of the access-token claims, for verifiers that check the payload after the signature. */
export const AccessTokenClaimsSchema = Type.Object({
  iss: Type.Literal(ACCESS_TOKEN_ISSUER),
  aud: Type.Literal(ACCESS_TOKEN_AUDIENCE),
  sub: Type.String({ format: 'uuid' }),
  tid: Type.String({ format: 'uuid' }),
  roles: Type.Array(Type.String({ minLength: 1 })),
  org: Type.String({ pattern: ORG_PATH_PATTERN }),
  scope: Type.Union(DATA_SCOPES.map((scope) => Type.Literal(scope))),
  rank: Type.Integer(),
  deviceId: Type.String({ minLength: 1 }),
  amr: Type.Optional(Type.Array(Type.String({ minLength: 1 }))),
  sid: Type.Optional(Type.String({ minLength: 1 })),
  iat: Type.Integer(),
  exp: Type.Integer(),
  jti: Type.String({ minLength: 1 }),
});

// Fails to compile when the schema and the interface drift apart.
type SchemaClaims = Static<typeof AccessTokenClaimsSchema>;
const _claimsMatchSchema: [SchemaClaims, AccessTokenClaims] extends [AccessTokenClaims, SchemaClaims] ? true : never = true;
void _claimsMatchSchema;

/** Org paths are ltree-compatible: labels of `[A-Za-z0-9_]` joined by `.`. */
export const ORG_PATH_REGEX = new RegExp(ORG_PATH_PATTERN);
