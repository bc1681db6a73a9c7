import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { type FastifyReply, type FastifyRequest } from 'fastify';
import { AuthException, wwwAuthenticate } from '../errors/auth.exception';
import { RolePolicyStore } from '../policy/role-policy.store';
import { AccessTokenVerifier } from '../token/access-token-verifier';
import { isSecondFactorPending } from '../token/authenticated-user';
import { ALLOW_PENDING_SECOND_FACTOR, PUBLIC_ROUTE, REQUIRED_ACTION } from './auth.decorators';
import { AUTH_OPTIONS, type ResolvedAuthOptions } from './auth.options';
import { setRequestAuth } from './request-auth';

/** True when `path` is one of `patterns` (a trailing `/*` matches everything below it). */
export function matchesPublicPath(path: string, patterns: readonly string[]): boolean {
  return patterns.some((pattern) =>
    pattern.endsWith('/*') ? path.startsWith(pattern.slice(0, -1)) : path === pattern,
  );
}

/**
 * The global guard of a service: every route needs a valid bearer token unless it is `@Public()`
 * or on the public path list; then the route's `@RequireAction` must be granted by the user's
 * roles, and a password-only token of a user whose role requires TOTP reaches only
 * `@AllowPendingSecondFactor()` routes.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly verifier: AccessTokenVerifier,
    private readonly policies: RolePolicyStore,
    @Inject(AUTH_OPTIONS) private readonly options: ResolvedAuthOptions,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    // The matched route's pattern, not the raw URL: `/health/../api/...` cannot pass for a health route.
    const routePath = request.routeOptions.url ?? '';
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets) || matchesPublicPath(routePath, this.options.publicPaths)) {
      return true;
    }
    try {
      const user = await this.verifier.authenticate(request.headers.authorization);
      const policy = await this.policies.policyFor(user);
      if (isSecondFactorPending(user, policy.requiresTotp) && !this.reflector.getAllAndOverride<boolean>(ALLOW_PENDING_SECOND_FACTOR, targets)) {
        throw AuthException.totpEnrolmentRequired();
      }
      const action = this.reflector.getAllAndOverride<string | undefined>(REQUIRED_ACTION, targets);
      if (action !== undefined) policy.assertCan(action);
      setRequestAuth(request, { user, policy });
      return true;
    } catch (error) {
      if (error instanceof AuthException) {
        const challenge = wwwAuthenticate(error);
        if (challenge !== undefined) void context.switchToHttp().getResponse<FastifyReply>().header('www-authenticate', challenge);
      }
      throw error;
    }
  }
}
