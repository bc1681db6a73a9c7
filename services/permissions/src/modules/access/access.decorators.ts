import { applyDecorators, createParamDecorator, type ExecutionContext, SetMetadata, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { AccessTokenGuard } from './access-token.guard';
import { ALLOW_TOTP_ENROLMENT, CALLER, REQUIRED_ACTION, type RequestWithCaller } from './access.metadata';
import { type Caller } from './caller';

/** The route needs a valid access token of an active user with a live session. */
export const Authenticated = (): ClassDecorator & MethodDecorator =>
  applyDecorators(
    UseGuards(AccessTokenGuard),
    ApiBearerAuth(),
    ApiUnauthorizedResponse({ description: 'No, an invalid or an expired access token, or an ended session' }),
  );

/** The caller's roles must grant one of `actions` (`user:manage`); otherwise 403. */
export const RequireAction = (...actions: [string, ...string[]]): ClassDecorator & MethodDecorator =>
  applyDecorators(SetMetadata(REQUIRED_ACTION, actions), ApiForbiddenResponse({ description: `Needs ${actions.join(' or ')}` }));

/** Open to a password-only token of a user who must still enrol in TOTP (enrolment itself, `/me`). */
export const AllowTotpEnrolment = (): ClassDecorator & MethodDecorator => SetMetadata(ALLOW_TOTP_ENROLMENT, true);

/** The authenticated caller of the request (routes marked `@Authenticated()` only). */
export const CurrentCaller = createParamDecorator((_data: unknown, context: ExecutionContext): Caller => {
  const caller = context.switchToHttp().getRequest<RequestWithCaller>()[CALLER];
  if (!caller) throw new Error('CurrentCaller used on a route without @Authenticated()');
  return caller;
});
