import { type AccessTokenClaims, type DataScope, TOTP_AMR } from '@fieldforce/contracts';

/** Who a request acts for, from a verified access token. */
export interface AuthenticatedUser {
  userId: string;
  tenantId: string;
  /** Role names; their policies come from the service's local policy store. */
  roles: string[];
  /** The user's org-unit path (ltree labels joined by `.`). */
  orgPath: string;
  /** The widest data scope among the roles when the token was issued. */
  scope: DataScope;
  rank: number;
  deviceId: string;
  /** Authentication methods of the login (`pwd`, `otp`); empty when the token names none. */
  amr: string[];
  /** The token's `jti`. */
  tokenId: string;
  expiresAt: Date;
}

/** The user a verified token's claims describe. */
export function toAuthenticatedUser(claims: AccessTokenClaims): AuthenticatedUser {
  return {
    userId: claims.sub,
    tenantId: claims.tid,
    roles: [...claims.roles],
    orgPath: claims.org,
    scope: claims.scope,
    rank: claims.rank,
    deviceId: claims.deviceId,
    amr: [...(claims.amr ?? [])],
    tokenId: claims.jti,
    expiresAt: new Date(claims.exp * 1000),
  };
}

/**
 * True for a restricted token: one of the user's roles requires TOTP but the login did not use
 * it (the user has not enrolled yet). Such a token may reach TOTP enrolment and `/me` only.
 */
export function isSecondFactorPending(user: Pick<AuthenticatedUser, 'amr'>, rolesRequireTotp: boolean): boolean {
  return rolesRequireTotp && !user.amr.includes(TOTP_AMR);
}
