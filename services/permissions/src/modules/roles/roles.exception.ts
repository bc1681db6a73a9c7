import { DomainException, mapDomainErrors } from '@fieldforce/platform';

export enum RoleErrorCode {
  NotFound = 'ROLE_NOT_FOUND',
  NameTaken = 'ROLE_NAME_TAKEN',
  /** A create reused an existing role's id with different content. */
  AlreadyExists = 'ROLE_ALREADY_EXISTS',
  /** The role would rank above the caller or grant actions the caller lacks. */
  BeyondCallerRights = 'ROLE_BEYOND_CALLER_RIGHTS',
}

export class RoleException extends DomainException<RoleErrorCode> {
  static notFound(id: string): RoleException {
    return new RoleException(RoleErrorCode.NotFound, `role ${id} not found`, { details: { id } });
  }

  static nameTaken(name: string): RoleException {
    return new RoleException(RoleErrorCode.NameTaken, `the tenant already has a role named ${name}`, {
      errors: [{ field: 'name', message: 'is already used by another role' }],
    });
  }

  static alreadyExists(id: string): RoleException {
    return new RoleException(RoleErrorCode.AlreadyExists, `role ${id} already exists with other data; read it and update it instead`, {
      details: { id },
    });
  }

  static beyondCallerRights(reason: string): RoleException {
    return new RoleException(RoleErrorCode.BeyondCallerRights, `you may not grant more than you hold: ${reason}`);
  }
}

export const roleProblems = mapDomainErrors(RoleException, (code: RoleErrorCode) => {
  switch (code) {
    case RoleErrorCode.NotFound:
      return { status: 404, title: 'Role not found' };
    case RoleErrorCode.NameTaken:
      return { status: 409, title: 'Role name taken' };
    case RoleErrorCode.AlreadyExists:
      return { status: 409, title: 'Role already exists' };
    case RoleErrorCode.BeyondCallerRights:
      return { status: 403, title: 'Beyond your rights' };
    default: {
      const unmapped: never = code;
      throw new TypeError(`unmapped role error code ${String(unmapped)}`);
    }
  }
});
