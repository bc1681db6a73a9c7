import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type FindOptionsSelect, In } from 'typeorm';
import { type EffectivePolicy, mergeRolePolicies, PASSWORD_ONLY_AMR, TOTP_AMR } from '@fieldforce/contracts';
import { InjectConfig } from '@fieldforce/platform';
import { SecretBox } from '../../common/secret-box';
import { type PermissionsConfig } from '../../config/permissions.config';
import { type Caller } from '../access/caller';
import { Role } from '../roles/entities/role.entity';
import { toRolePolicy } from '../roles/role.state';
import { type Session } from '../sessions/entities/session.entity';
import { SessionsService } from '../sessions/sessions.service';
import { Tenant } from '../tenants/entities/tenant.entity';
import { User } from '../users/entities/user.entity';
import { PasswordHasher } from '../users/password-hasher';
import { toUserState } from '../users/user.state';
import { UsersService } from '../users/users.service';
import { AccessTokenIssuer } from './access-token.issuer';
import { AuthException } from './auth.exception';
import { type LoginDto, type LoginResponse, type MeResponse, type TokensResponse, type TotpSetupResponse } from './dto/auth.dto';
import { LoginThrottle } from './login-throttle';
import { acceptedTotpStep, newTotpSecret } from './totp';

// The columns login needs beyond the public ones; never selected by default.
const SECRET_COLUMNS = ['passwordHash', 'totpSecret', 'totpPendingSecret', 'totpLastStep'] as const;

/** Login with password and TOTP, token refresh and logout, TOTP enrolment, and `/me`. */
@Injectable()
export class AuthService {
  private readonly totpBox: SecretBox;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectConfig() private readonly config: PermissionsConfig,
    private readonly throttle: LoginThrottle,
    private readonly hasher: PasswordHasher,
    private readonly sessions: SessionsService,
    private readonly issuer: AccessTokenIssuer,
    private readonly users: UsersService,
  ) {
    this.totpBox = new SecretBox(config.tokens.encryptionSecret, 'totp');
  }

  /**
   * Logs a user in. Unknown tenant, unknown user, wrong password and inactive user all answer the
   * same 401 after the same work (a dummy hash when there is no user), so none can be told apart.
   */
  async login(input: LoginDto, ip: string): Promise<LoginResponse> {
    const subject = { tenant: input.tenant, username: input.username, ip };
    await this.throttle.begin(subject);
    const user = await this.findLoginUser(input.tenant, input.username);
    const passwordOk = user ? await this.hasher.verify(user.passwordHash, input.password) : await this.hasher.verifyNobody(input.password);
    if (!user || !passwordOk || !user.active) throw AuthException.invalidCredentials();

    const amr = [PASSWORD_ONLY_AMR];
    if (user.totpEnabled) {
      if (input.totp === undefined) throw AuthException.totpRequired();
      if (!(await this.acceptTotp(user, input.totp))) throw AuthException.totpInvalid();
      amr.push(TOTP_AMR);
    }
    await this.throttle.succeeded(subject);

    const policy = await this.policyOf(user.tenantId, user.roles);
    const { session, refreshToken, refreshExpiresAt } = await this.dataSource.transaction((manager) =>
      this.sessions.start(manager, user, input.deviceId, amr),
    );
    const tokens = await this.tokensFor(user, policy, session, refreshToken, refreshExpiresAt);
    return { ...tokens, user: toUserState(user) };
  }

  /** Exchanges a refresh token for new tokens; a reused one revokes its whole session. */
  async refresh(refreshToken: string): Promise<TokensResponse> {
    const rotation = await this.sessions.rotate(refreshToken);
    switch (rotation.outcome) {
      case 'rotated':
        break;
      case 'reused':
        throw AuthException.refreshTokenReused();
      case 'unknown':
      case 'expired':
      case 'revoked':
        throw AuthException.refreshTokenInvalid();
      default: {
        const unknownOutcome: never = rotation;
        throw new TypeError(`unknown rotation outcome ${JSON.stringify(unknownOutcome)}`);
      }
    }
    const user = await this.dataSource.getRepository(User).findOneBy({ id: rotation.session.userId });
    if (!user?.active) {
      await this.dataSource.transaction((manager) => this.sessions.revokeSession(manager, rotation.session.id, 'user-deactivated'));
      throw AuthException.refreshTokenInvalid();
    }
    // Scope, rank and org path come fresh from the user's current roles and unit.
    const policy = await this.policyOf(user.tenantId, user.roles);
    return this.tokensFor(user, policy, rotation.session, rotation.refreshToken, rotation.refreshExpiresAt);
  }

  /** Ends the session of a refresh token; answers alike whether or not the token was known. */
  async logout(refreshToken: string): Promise<void> {
    await this.sessions.revokeByToken(refreshToken, 'logout');
  }

  /** Starts TOTP enrolment: a new secret, kept pending until a code from it is confirmed. */
  async totpSetup(caller: Caller): Promise<TotpSetupResponse> {
    const user = await this.dataSource.getRepository(User).findOneByOrFail({ id: caller.userId, tenantId: caller.tenantId });
    if (user.totpEnabled) throw AuthException.totpAlreadyEnabled();
    const tenant = await this.dataSource.getRepository(Tenant).findOneByOrFail({ id: caller.tenantId });
    const { secret, otpauthUri } = newTotpSecret(`${user.username}@${tenant.slug}`);
    await this.dataSource.getRepository(User).update({ id: user.id }, {
      totpPendingSecret: this.totpBox.seal(secret),
      // A pending secret is no visible change of the user: no new version, no event.
      version: () => 'version',
      updatedAt: () => 'updated_at',
    });
    return { secret, otpauthUri };
  }

  /** Confirms enrolment with a code of the pending secret; from then on login needs a code. */
  async totpVerify(caller: Caller, code: string): Promise<MeResponse['user']> {
    return this.dataSource.transaction(async (manager) => {
      const repository = manager.getRepository(User);
      const user = await repository.findOne({
        where: { id: caller.userId, tenantId: caller.tenantId },
        select: this.loginColumns(),
        lock: { mode: 'pessimistic_write' },
      });
      if (!user) throw new Error(`caller ${caller.userId} has no user row`);
      if (user.totpEnabled) throw AuthException.totpAlreadyEnabled();
      if (user.totpPendingSecret === null) throw AuthException.totpSetupNotStarted();
      const step = await acceptedTotpStep(this.totpBox.open(user.totpPendingSecret), code, null);
      if (step === undefined) throw AuthException.totpCodeRejected();
      const before = toUserState(user);
      await repository.update(
        { id: user.id },
        { totpSecret: user.totpPendingSecret, totpPendingSecret: null, totpEnabled: true, totpLastStep: step },
      );
      const after = toUserState(await repository.findOneByOrFail({ id: user.id }));
      await this.users.recordChange(manager, caller, before, after, [{ kind: 'updated', changedFields: ['totpEnabled'] }]);
      return after;
    });
  }

  /** The caller, their roles and what those allow, merged. */
  async me(caller: Caller): Promise<MeResponse> {
    const user = await this.dataSource.getRepository(User).findOneByOrFail({ id: caller.userId, tenantId: caller.tenantId });
    const roles = await this.dataSource.getRepository(Role).findBy({ tenantId: caller.tenantId, name: In(user.roles) });
    const { scope, rank, actions, fieldRules } = caller.policy;
    return {
      user: toUserState(user),
      roles: roles.map(toRolePolicy),
      scope,
      rank,
      actions,
      fieldRules,
      totpEnrolmentRequired: caller.secondFactorPending,
    };
  }

  private async tokensFor(
    user: User,
    policy: EffectivePolicy,
    session: Session,
    refreshToken: string,
    refreshExpiresAt: Date,
  ): Promise<TokensResponse> {
    const { accessToken, expiresIn } = await this.issuer.issue(user, policy, session);
    return {
      accessToken,
      refreshToken,
      expiresIn,
      refreshExpiresIn: Math.max(0, Math.floor((refreshExpiresAt.getTime() - Date.now()) / 1000)),
      totpEnrolmentRequired: policy.requiresTotp && !session.amr.includes(TOTP_AMR),
    };
  }

  private async policyOf(tenantId: string, roleNames: string[]): Promise<EffectivePolicy> {
    return mergeRolePolicies(await this.dataSource.getRepository(Role).findBy({ tenantId, name: In(roleNames) }));
  }

  private async findLoginUser(tenantSlug: string, username: string): Promise<User | null> {
    const tenant = await this.dataSource.getRepository(Tenant).findOneBy({ slug: tenantSlug.trim().toLowerCase() });
    if (!tenant) return null;
    return this.dataSource
      .getRepository(User)
      .findOne({ where: { tenantId: tenant.id, username: username.trim().toLowerCase() }, select: this.loginColumns() });
  }

  /** Marks the code's time step as used, atomically, so the same code cannot log in twice. */
  private async acceptTotp(user: User, code: string): Promise<boolean> {
    if (user.totpSecret === null) return false;
    const step = await acceptedTotpStep(this.totpBox.open(user.totpSecret), code, user.totpLastStep);
    if (step === undefined) return false;
    const result = await this.dataSource
      .getRepository(User)
      .createQueryBuilder()
      .update()
      .set({ totpLastStep: step, version: () => 'version', updatedAt: () => 'updated_at' })
      .where('id = :id AND (totp_last_step IS NULL OR totp_last_step < :step)', { id: user.id, step })
      .execute();
    return (result.affected ?? 0) === 1;
  }

  private loginColumns(): FindOptionsSelect<User> {
    const publicColumns = this.dataSource.getMetadata(User).columns.filter((column) => column.isSelect).map((column) => column.propertyName);
    return Object.fromEntries([...publicColumns, ...SECRET_COLUMNS].map((column) => [column, true]));
  }
}
