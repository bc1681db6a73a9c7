import { DomainException, mapDomainErrors } from '@fieldforce/platform';

export enum TerritoryErrorCode {
  NotFound = 'TERRITORY_NOT_FOUND',
  /** A create reused an existing territory's id with different content. */
  AlreadyExists = 'TERRITORY_ALREADY_EXISTS',
  /** The org unit named is not one this service knows within the caller's data scope. */
  OrgUnitUnknown = 'TERRITORY_ORG_UNIT_UNKNOWN',
}

export class TerritoryException extends DomainException<TerritoryErrorCode> {
  static notFound(id: string): TerritoryException {
    return new TerritoryException(TerritoryErrorCode.NotFound, `territory ${id} not found`, { details: { id } });
  }

  static alreadyExists(id: string): TerritoryException {
    return new TerritoryException(TerritoryErrorCode.AlreadyExists, `territory ${id} already exists with other data`, { details: { id } });
  }

  static orgUnitUnknown(orgUnitId: string): TerritoryException {
    return new TerritoryException(TerritoryErrorCode.OrgUnitUnknown, `org unit ${orgUnitId} is not known within your data scope`, {
      errors: [{ field: 'orgUnitId', message: 'is not an org unit within your data scope' }],
    });
  }
}

export const territoryProblems = mapDomainErrors(TerritoryException, (code: TerritoryErrorCode) => {
  switch (code) {
    case TerritoryErrorCode.NotFound:
      return { status: 404, title: 'Territory not found' };
    case TerritoryErrorCode.AlreadyExists:
      return { status: 409, title: 'Territory already exists' };
    case TerritoryErrorCode.OrgUnitUnknown:
      return { status: 422, title: 'Unknown org unit' };
    default: {
      const unmapped: never = code;
      throw new TypeError(`unmapped territory error code ${String(unmapped)}`);
    }
  }
});
