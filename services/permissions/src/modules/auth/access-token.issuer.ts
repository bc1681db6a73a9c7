import { Injectable } from '@nestjs/common';
import {
  ACCESS_TOKEN_AUDIENCE,
  ACCESS_TOKEN_ISSUER,
  type AccessTokenClaims,
  type EffectivePolicy,
  uuidv7,
} from '@fieldforce/contracts';
import { InjectConfig } from '@fieldforce/platform';
import { type PermissionsConfig } from '../../config/permissions.config';
import { type Session } from '../sessions/entities/session.entity';
import { SigningKeysService } from '../signing-keys/signing-keys.service';

/** A signed access token and how long it lives. */
export interface IssuedAccessToken {
  accessToken: string;
  expiresIn: number;
}

/** Builds and signs access tokens: the user's current roles, scope, rank and org path, bound to their session. */
@Injectable()
export class AccessTokenIssuer {
  constructor(
    private readonly signingKeys: SigningKeysService,
    @InjectConfig() private readonly config: PermissionsConfig,
  ) {}

  async issue(
    user: { id: string; tenantId: string; orgPath: string; roles: string[] },
    policy: Pick<EffectivePolicy, 'scope' | 'rank'>,
    session: Pick<Session, 'id' | 'deviceId' | 'amr'>,
  ): Promise<IssuedAccessToken> {
    const issuedAt = Math.floor(Date.now() / 1000);
    const expiresIn = this.config.tokens.accessTtlSeconds;
    const claims: AccessTokenClaims = {
      iss: ACCESS_TOKEN_ISSUER,
      aud: ACCESS_TOKEN_AUDIENCE,
      sub: user.id,
      tid: user.tenantId,
      roles: [...user.roles],
      org: user.orgPath,
      scope: policy.scope,
      rank: policy.rank,
      deviceId: session.deviceId,
      amr: [...session.amr],
      sid: session.id,
      iat: issuedAt,
      exp: issuedAt + expiresIn,
      jti: uuidv7(),
    };
    return { accessToken: await this.signingKeys.sign({ ...claims }), expiresIn };
  }
}
