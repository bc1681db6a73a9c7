export {
  type AuthConfig,
  type AuthEnvVariables,
  DEFAULT_JWKS_URL,
  toAuthConfig,
  withAuthEnv,
} from './config/auth-config';
export { AuthErrorCode, AuthException, authProblem, authProblems, wwwAuthenticate } from './errors/auth.exception';
export {
  AllowPendingSecondFactor,
  CurrentPolicy,
  CurrentUser,
  Public,
  RequireAction,
} from './nest/auth.decorators';
export { AuthGuard, matchesPublicPath } from './nest/auth.guard';
export { AuthModule } from './nest/auth.module';
export { type AuthModuleOptions, DEFAULT_PUBLIC_PATHS } from './nest/auth.options';
export { type RequestAuth, requestAuthOf } from './nest/request-auth';
export { AccessPolicy, type WritableCheckOptions } from './policy/access-policy';
export { BUILT_IN_ROLE_POLICIES, type RoleRules } from './policy/built-in-role-policies';
export { createRolePoliciesTable, dropRolePoliciesTable, rolePoliciesChannel } from './policy/role-policies-table';
export { RolePolicyEntity } from './policy/role-policy.entity';
export { RolePolicyStore, type RolePolicyStoreOptions } from './policy/role-policy.store';
export { ROLE_POLICY_CONSUMER, subscribeToRolePolicies } from './policy/role-policy.subscriber';
export {
  type DataScopeOptions,
  type ScopeCondition,
  type ScopedRecord,
  type ScopeSubject,
  applyDataScope,
  dataScopeCondition,
  isInScope,
} from './scope/data-scope';
export { AccessTokenVerifier, bearerToken } from './token/access-token-verifier';
export { type AuthenticatedUser, isSecondFactorPending, toAuthenticatedUser } from './token/authenticated-user';
export { JwksKeySource, type JwksKeySourceOptions } from './token/jwks-key-source';
export { VerifiedTokenCache, type VerifiedTokenCacheOptions } from './token/verified-token-cache';
