import { DomainException, mapDomainErrors } from '@fieldforce/platform';

export enum OrgUnitErrorCode {
  NotFound = 'ORG_UNIT_NOT_FOUND',
  /** The parent named in the body does not exist in the tenant (or lies outside the caller's scope). */
  ParentNotFound = 'ORG_UNIT_PARENT_NOT_FOUND',
  /** A move under the unit itself or one of its descendants. */
  MoveCycle = 'ORG_UNIT_MOVE_CYCLE',
  /** The tenant's root has no parent and stays where it is. */
  RootImmovable = 'ORG_UNIT_ROOT_IMMOVABLE',
  AlreadyExists = 'ORG_UNIT_ALREADY_EXISTS',
}

export class OrgUnitException extends DomainException<OrgUnitErrorCode> {
  static notFound(id: string): OrgUnitException {
    return new OrgUnitException(OrgUnitErrorCode.NotFound, `org unit ${id} not found`, { details: { id } });
  }

  static parentNotFound(parentId: string): OrgUnitException {
    return new OrgUnitException(OrgUnitErrorCode.ParentNotFound, `org unit ${parentId} not found`, {
      errors: [{ field: 'parentId', message: 'names no org unit of this tenant' }],
    });
  }

  static moveCycle(id: string, parentId: string): OrgUnitException {
    return new OrgUnitException(OrgUnitErrorCode.MoveCycle, `org unit ${id} cannot move under itself or its own descendant ${parentId}`, {
      errors: [{ field: 'parentId', message: 'is the unit itself or lies under it' }],
    });
  }

  static rootImmovable(id: string): OrgUnitException {
    return new OrgUnitException(OrgUnitErrorCode.RootImmovable, `org unit ${id} is the tenant's root and cannot move`, {
      errors: [{ field: 'parentId', message: "the root unit's parent cannot be set" }],
    });
  }

  static alreadyExists(id: string): OrgUnitException {
    return new OrgUnitException(OrgUnitErrorCode.AlreadyExists, `org unit ${id} already exists with other data`, { details: { id } });
  }
}

export const orgUnitProblems = mapDomainErrors(OrgUnitException, (code: OrgUnitErrorCode) => {
  switch (code) {
    case OrgUnitErrorCode.NotFound:
      return { status: 404, title: 'Org unit not found' };
    case OrgUnitErrorCode.ParentNotFound:
      return { status: 422, title: 'Parent org unit not found' };
    case OrgUnitErrorCode.MoveCycle:
      return { status: 422, title: 'Move would create a cycle' };
    case OrgUnitErrorCode.RootImmovable:
      return { status: 422, title: 'Root org unit cannot move' };
    case OrgUnitErrorCode.AlreadyExists:
      return { status: 409, title: 'Org unit already exists' };
    default: {
      const unmapped: never = code;
      throw new TypeError(`unmapped org unit error code ${String(unmapped)}`);
    }
  }
});
