import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { InjectDataSource } from '@nestjs/typeorm';
import { type FastifyReply } from 'fastify';
import { errors, jwtVerify } from 'jose';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { type Static, Type } from '@sinclair/typebox';
import { DataSource, In, IsNull } from 'typeorm';
import {
  ACCESS_TOKEN_ALGORITHM,
  ACCESS_TOKEN_AUDIENCE,
  ACCESS_TOKEN_ISSUER,
  AccessTokenClaimsSchema,
  grantsAction,
  mergeRolePolicies,
  TOTP_AMR,
} from '@fieldforce/contracts';
import { Session } from '../sessions/entities/session.entity';
import { Role } from '../roles/entities/role.entity';
import { SigningKeysService } from '../signing-keys/signing-keys.service';
import { User } from '../users/entities/user.entity';
import { AccessException } from './access.exception';
import { ALLOW_TOTP_ENROLMENT, CALLER, REQUIRED_ACTION, type RequestWithCaller } from './access.metadata';
import { type Caller } from './caller';

// Tokens this service issues always name their session.
const IssuedClaimsSchema = Type.Composite([AccessTokenClaimsSchema, Type.Object({ sid: Type.String({ format: 'uuid' }) })]);
type IssuedClaims = Static<typeof IssuedClaimsSchema>;
const issuedClaims = TypeCompiler.Compile(IssuedClaimsSchema);

const BEARER = /^Bearer[ \t]+([A-Za-z0-9\-._~+/]+=*)[ \t]*$/i;
const MAX_TOKEN_LENGTH = 8_192;
const CLOCK_TOLERANCE_SECONDS = 5;

/**
 * Authenticates with the access tokens this service issued: verifies them with its own published
 * keys (no JWKS round trip), then reads the caller's current account, session and roles, so a
 * deactivation, a revoked session or a removed role takes effect here at once, not at token expiry.
 */
@Injectable()
export class AccessTokenGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly signingKeys: SigningKeysService,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<RequestWithCaller>();
    try {
      const claims = await this.verify(request.headers.authorization);
      const caller = await this.callerOf(claims, request.id);
      const targets = [context.getHandler(), context.getClass()];
      if (caller.secondFactorPending && !this.reflector.getAllAndOverride<boolean>(ALLOW_TOTP_ENROLMENT, targets)) {
        throw AccessException.totpEnrolmentRequired();
      }
      const actions = this.reflector.getAllAndOverride<string[] | undefined>(REQUIRED_ACTION, targets);
      if (actions !== undefined && !actions.some((action) => grantsAction(caller.policy.actions, action))) {
        throw AccessException.actionForbidden(actions.join(' or '));
      }
      request[CALLER] = caller;
      return true;
    } catch (error) {
      const challenge = error instanceof AccessException ? error.challenge : undefined;
      if (challenge !== undefined) void context.switchToHttp().getResponse<FastifyReply>().header('www-authenticate', challenge);
      throw error;
    }
  }

  private async verify(authorization: string | undefined): Promise<IssuedClaims> {
    if (authorization === undefined) throw AccessException.tokenMissing();
    const token = BEARER.exec(authorization)?.[1];
    if (!token || token.length > MAX_TOKEN_LENGTH) throw AccessException.tokenInvalid('the Authorization header holds no bearer token');
    let payload: unknown;
    try {
      ({ payload } = await jwtVerify(
        token,
        async (header) => {
          const key = header.kid === undefined ? undefined : await this.signingKeys.verificationKey(header.kid);
          if (!key) throw AccessException.tokenInvalid('it is signed by an unknown key');
          return key;
        },
        {
          algorithms: [ACCESS_TOKEN_ALGORITHM],
          issuer: ACCESS_TOKEN_ISSUER,
          audience: ACCESS_TOKEN_AUDIENCE,
          clockTolerance: CLOCK_TOLERANCE_SECONDS,
          requiredClaims: ['exp', 'iat', 'sub', 'jti'],
        },
      ));
    } catch (error) {
      if (error instanceof AccessException) throw error;
      if (error instanceof errors.JWTExpired) throw AccessException.tokenExpired();
      if (error instanceof errors.JOSEError) throw AccessException.tokenInvalid(error.message, error);
      throw error;
    }
    if (!issuedClaims.Check(payload)) throw AccessException.tokenInvalid('its claims are incomplete');
    return payload;
  }

  private async callerOf(claims: IssuedClaims, requestId: string): Promise<Caller> {
    const user = await this.dataSource.getRepository(User).findOneBy({ id: claims.sub, tenantId: claims.tid });
    const session = await this.dataSource.getRepository(Session).findOneBy({ id: claims.sid, userId: claims.sub, revokedAt: IsNull() });
    if (!user?.active || !session) throw AccessException.sessionRevoked();
    const roles = await this.dataSource
      .getRepository(Role)
      .findBy({ tenantId: user.tenantId, name: In(user.roles) });
    const policy = mergeRolePolicies(roles);
    const amr = claims.amr ?? [];
    return {
      tenantId: user.tenantId,
      userId: user.id,
      requestId,
      username: user.username,
      orgUnitId: user.orgUnitId,
      orgPath: user.orgPath,
      sessionId: session.id,
      deviceId: session.deviceId,
      amr,
      policy,
      secondFactorPending: policy.requiresTotp && !amr.includes(TOTP_AMR),
    };
  }
}
