import { DomainException, mapDomainErrors } from '@fieldforce/platform';

export enum UserErrorCode {
  NotFound = 'USER_NOT_FOUND',
  UsernameTaken = 'USER_USERNAME_TAKEN',
  AlreadyExists = 'USER_ALREADY_EXISTS',
  /** The body names roles the tenant does not have. */
  UnknownRoles = 'USER_UNKNOWN_ROLES',
  /** The body names an org unit the tenant does not have (or the caller's scope does not reach). */
  OrgUnitNotFound = 'USER_ORG_UNIT_NOT_FOUND',
  /** Roles above the caller's rank, or a user who outranks the caller. */
  BeyondCallerRights = 'USER_BEYOND_CALLER_RIGHTS',
  /** Deactivating one's own account would lock the caller out. */
  SelfDeactivation = 'USER_SELF_DEACTIVATION',
}

export class UserException extends DomainException<UserErrorCode> {
  static notFound(id: string): UserException {
    return new UserException(UserErrorCode.NotFound, `user ${id} not found`, { details: { id } });
  }

  static usernameTaken(username: string): UserException {
    return new UserException(UserErrorCode.UsernameTaken, `the tenant already has a user named ${username}`, {
      errors: [{ field: 'username', message: 'is already used by another user' }],
    });
  }

  static alreadyExists(id: string): UserException {
    return new UserException(UserErrorCode.AlreadyExists, `user ${id} already exists with other data; read it and update it instead`, {
      details: { id },
    });
  }

  static unknownRoles(names: readonly string[]): UserException {
    return new UserException(UserErrorCode.UnknownRoles, `the tenant has no role ${names.join(', ')}`, {
      errors: [{ field: 'roles', message: `unknown role(s): ${names.join(', ')}` }],
    });
  }

  static orgUnitNotFound(orgUnitId: string): UserException {
    return new UserException(UserErrorCode.OrgUnitNotFound, `org unit ${orgUnitId} not found`, {
      errors: [{ field: 'orgUnitId', message: 'names no org unit you can place users in' }],
    });
  }

  static beyondCallerRights(reason: string): UserException {
    return new UserException(UserErrorCode.BeyondCallerRights, `you may not do this: ${reason}`);
  }

  static selfDeactivation(): UserException {
    return new UserException(UserErrorCode.SelfDeactivation, 'you cannot deactivate your own account', {
      errors: [{ field: 'active', message: 'another administrator must deactivate you' }],
    });
  }
}

export const userProblems = mapDomainErrors(UserException, (code: UserErrorCode) => {
  switch (code) {
    case UserErrorCode.NotFound:
      return { status: 404, title: 'User not found' };
    case UserErrorCode.UsernameTaken:
      return { status: 409, title: 'Username taken' };
    case UserErrorCode.AlreadyExists:
      return { status: 409, title: 'User already exists' };
    case UserErrorCode.UnknownRoles:
      return { status: 422, title: 'Unknown roles' };
    case UserErrorCode.OrgUnitNotFound:
      return { status: 422, title: 'Org unit not found' };
    case UserErrorCode.BeyondCallerRights:
      return { status: 403, title: 'Beyond your rights' };
    case UserErrorCode.SelfDeactivation:
      return { status: 422, title: 'Cannot deactivate yourself' };
    default: {
      const unmapped: never = code;
      throw new TypeError(`unmapped user error code ${String(unmapped)}`);
    }
  }
});
