import { DomainException, type FieldError, mapDomainErrors } from '@fieldforce/platform';

export enum GeoErrorCode {
  /** A point whose latitude or longitude is not a finite number in range. */
  InvalidLocation = 'GEO_INVALID_LOCATION',
  /** A GeoJSON geometry that is not a valid polygon or multipolygon. */
  InvalidGeometry = 'GEO_INVALID_GEOMETRY',
}

/** Well-formed input describing an impossible place or shape: 422, naming each bad part. */
export class GeoException extends DomainException<GeoErrorCode> {
  static invalidLocation(errors: FieldError[]): GeoException {
    return new GeoException(GeoErrorCode.InvalidLocation, `invalid location: ${errors.map((e) => `${e.field} ${e.message}`).join('; ')}`, {
      errors,
    });
  }

  static invalidGeometry(errors: FieldError[]): GeoException {
    return new GeoException(GeoErrorCode.InvalidGeometry, `invalid geometry: ${errors.map((e) => `${e.field} ${e.message}`).join('; ')}`, {
      errors,
    });
  }
}

export const geoProblems = mapDomainErrors(GeoException, (code: GeoErrorCode) => {
  switch (code) {
    case GeoErrorCode.InvalidLocation:
      return { status: 422, title: 'Invalid location' };
    case GeoErrorCode.InvalidGeometry:
      return { status: 422, title: 'Invalid geometry' };
    default: {
      const unmapped: never = code;
      throw new TypeError(`unmapped geo error code ${String(unmapped)}`);
    }
  }
});
