import { CommonErrorCode, CommonException, commonProblem } from './common.exception';
import { DomainException } from './domain.exception';
import { mapDomainErrors, problemType } from './problem-mapping';

// The pattern every service follows: a code enum, an exception class, an exhaustive switch.
enum VisitErrorCode {
  TaskNotFound = 'VISIT_TASK_NOT_FOUND',
  AlreadyCheckedIn = 'VISIT_ALREADY_CHECKED_IN',
  OutsideGeofence = 'VISIT_OUTSIDE_GEOFENCE',
}

class VisitException extends DomainException<VisitErrorCode> {}
class OtherException extends DomainException<'OTHER'> {}

function visitProblem(code: VisitErrorCode) {
  switch (code) {
    case VisitErrorCode.TaskNotFound:
      return { status: 404, title: 'Visit task not found' };
    case VisitErrorCode.AlreadyCheckedIn:
      return { status: 409, title: 'Already checked in' };
    case VisitErrorCode.OutsideGeofence:
      return { status: 422, title: 'Outside the geofence', type: 'https://docs.example/geofence' };
    default: {
      const unmapped: never = code;
      throw new TypeError(`unmapped ${String(unmapped)}`);
    }
  }
}

describe(mapDomainErrors.name, () => {
  const mapping = mapDomainErrors(VisitException, visitProblem);

  it('matches only exceptions of its class', () => {
    expect(mapping.matches(new VisitException(VisitErrorCode.TaskNotFound, 'gone'))).toBe(true);
    expect(mapping.matches(new OtherException('OTHER', 'x'))).toBe(false);
  });

  it('maps each code of the class through the service switch', () => {
    expect(mapping.map(new VisitException(VisitErrorCode.AlreadyCheckedIn, 'twice'))).toEqual({
      status: 409,
      title: 'Already checked in',
    });
    expect(mapping.map(new VisitException(VisitErrorCode.OutsideGeofence, 'far')).type).toBe(
      'https://docs.example/geofence',
    );
  });

  it('refuses to map an exception of another class', () => {
    expect(() => mapping.map(new OtherException('OTHER', 'x'))).toThrow('OtherException is not a VisitException');
  });
});

describe(commonProblem.name, () => {
  it.each([
    [CommonErrorCode.ValidationFailed, 400],
    [CommonErrorCode.NotFound, 404],
    [CommonErrorCode.VersionConflict, 409],
    [CommonErrorCode.PreconditionFailed, 412],
    [CommonErrorCode.PreconditionRequired, 428],
    [CommonErrorCode.IdempotencyKeyReused, 422],
    [CommonErrorCode.DatabaseUnavailable, 503],
    [CommonErrorCode.DatabaseBusy, 503],
  ])('maps %s to %i', (code, status) => {
    expect(commonProblem(code).status).toBe(status);
  });
});

describe(CommonException.name, () => {
  it('builds the common errors with a readable message and the facts as details', () => {
    const notFound = CommonException.notFound('customer', 'c-1');
    const conflict = CommonException.versionConflict('customer', 'c-1', 3);
    const precondition = CommonException.preconditionFailed('customer', 'c-1', '"3"');
    const reused = CommonException.idempotencyKeyReused('k-1');

    expect([notFound.code, notFound.message, notFound.details]).toEqual([
      CommonErrorCode.NotFound,
      'customer c-1 not found',
      { resource: 'customer', id: 'c-1' },
    ]);
    expect(conflict.details).toEqual({ resource: 'customer', id: 'c-1', expectedVersion: 3 });
    expect(precondition.code).toBe(CommonErrorCode.PreconditionFailed);
    expect(reused.message).toBe('Idempotency-Key k-1 was already used with a different request body');
    expect(notFound.name).toBe('CommonException');
  });
});

describe(problemType.name, () => {
  it('derives a URN from the code', () => {
    expect(problemType('VISIT_ALREADY_CHECKED_IN')).toBe('urn:fieldforce:problem:visit-already-checked-in');
  });
});
