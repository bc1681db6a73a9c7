import { createParamDecorator, type CustomDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import { AuthException } from '../errors/auth.exception';
import { type AccessPolicy } from '../policy/access-policy';
import { type AuthenticatedUser } from '../token/authenticated-user';
import { requestAuthOf } from './request-auth';

export const PUBLIC_ROUTE = 'fieldforce:auth:public';
export const REQUIRED_ACTION = 'fieldforce:auth:action';
export const ALLOW_PENDING_SECOND_FACTOR = 'fieldforce:auth:allow-pending-second-factor';

/** Marks a route or controller as answering without an access token. */
export const Public = (): CustomDecorator => SetMetadata(PUBLIC_ROUTE, true);

/** Requires the user's roles to grant `action` (`customer:update`); 403 otherwise. */
export const RequireAction = (action: string): CustomDecorator => SetMetadata(REQUIRED_ACTION, action);

/**
 * Lets a password-only token of a user who must still enrol in TOTP reach the route (TOTP
 * enrolment and `/me`); every other route refuses such a token with 403.
 */
export const AllowPendingSecondFactor = (): CustomDecorator => SetMetadata(ALLOW_PENDING_SECOND_FACTOR, true);

function authOf(context: ExecutionContext) {
  const auth = requestAuthOf(context.switchToHttp().getRequest<object>());
  // Only on a @Public() route: the guard authenticated every other request.
  if (!auth) throw AuthException.tokenMissing();
  return auth;
}

/** The authenticated user of the request. */
export const CurrentUser = createParamDecorator(
  (_data: unknown, context: ExecutionContext): AuthenticatedUser => authOf(context).user,
);

/** The merged role policy of the request's user (actions, scope, field rules). */
export const CurrentPolicy = createParamDecorator(
  (_data: unknown, context: ExecutionContext): AccessPolicy => authOf(context).policy,
);
