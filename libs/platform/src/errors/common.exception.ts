import { type FieldError, DomainException } from './domain.exception';
import { type ProblemMapping } from './problem-mapping';

/** Errors every service raises and maps the same way. */
export enum CommonErrorCode {
  ValidationFailed = 'VALIDATION_FAILED',
  NotFound = 'NOT_FOUND',
  /** The stored version moved on since the client read it (no If-Match given). */
  VersionConflict = 'VERSION_CONFLICT',
  /** The If-Match header names another version than the stored one. */
  PreconditionFailed = 'PRECONDITION_FAILED',
  /** A write that must name the version it replaces named none (neither If-Match nor a version). */
  PreconditionRequired = 'PRECONDITION_REQUIRED',
  /** The same Idempotency-Key came back with a different request body. */
  IdempotencyKeyReused = 'IDEMPOTENCY_KEY_REUSED',
  /** The database cannot be reached right now (restart, failover, connection cut): nothing is wrong with the request. */
  DatabaseUnavailable = 'DATABASE_UNAVAILABLE',
  /** Every database connection of this process stayed in use for the whole connect timeout: overload, not a bad request. */
  DatabaseBusy = 'DATABASE_BUSY',
}

/** An error shared by all services; build it with the static factories. */
export class CommonException extends DomainException<CommonErrorCode> {
  /** 400 listing each bad field. */
  static validationFailed(errors: FieldError[]): CommonException {
    const fields = [...new Set(errors.map((error) => error.field))].join(', ');
    return new CommonException(CommonErrorCode.ValidationFailed, `invalid request: check ${fields}`, { errors });
  }

  /** 404; also for records outside the caller's scope, so their existence is not revealed. */
  static notFound(resource: string, id: string): CommonException {
    return new CommonException(CommonErrorCode.NotFound, `${resource} ${id} not found`, {
      details: { resource, id },
    });
  }

  /** 409: a concurrent write got there first. */
  static versionConflict(resource: string, id: string, expectedVersion: number): CommonException {
    return new CommonException(
      CommonErrorCode.VersionConflict,
      `${resource} ${id} was changed by someone else; read it again and retry`,
      { details: { resource, id, expectedVersion } },
    );
  }

  /** 412: the If-Match version is not the current one. */
  static preconditionFailed(resource: string, id: string, ifMatch: string): CommonException {
    return new CommonException(
      CommonErrorCode.PreconditionFailed,
      `${resource} ${id} is not at version ${ifMatch} any more; read it again and retry`,
      { details: { resource, id, ifMatch } },
    );
  }

  /** 428: the update must say which version it replaces; last-writer-wins is not allowed. */
  static preconditionRequired(resource: string, id: string): CommonException {
    return new CommonException(
      CommonErrorCode.PreconditionRequired,
      `updating ${resource} ${id} needs the version it replaces: send If-Match with its ETag, or the version in the body`,
      { details: { resource, id } },
    );
  }

  /** 503: the database went away under the request; the same request may be sent again shortly. */
  static databaseUnavailable(): CommonException {
    return new CommonException(CommonErrorCode.DatabaseUnavailable, 'the database is not reachable right now; retry shortly', {
      details: { retryAfterSeconds: 1 },
    });
  }

  /** 503: the service is saturated (no pooled connection came free in time); the same request may be sent again shortly. */
  static databaseBusy(): CommonException {
    return new CommonException(CommonErrorCode.DatabaseBusy, 'the service is busy right now; retry shortly', {
      details: { retryAfterSeconds: 1 },
    });
  }

  /** 422: a replay must repeat the original body exactly. */
  static idempotencyKeyReused(idempotencyKey: string): CommonException {
    return new CommonException(
      CommonErrorCode.IdempotencyKeyReused,
      `Idempotency-Key ${idempotencyKey} was already used with a different request body`,
      { details: { idempotencyKey } },
    );
  }
}

/** How the common codes map to HTTP, identical in every service. */
export function commonProblem(code: CommonErrorCode): ProblemMapping {
  switch (code) {
    case CommonErrorCode.ValidationFailed:
      return { status: 400, title: 'Invalid request' };
    case CommonErrorCode.NotFound:
      return { status: 404, title: 'Not found' };
    case CommonErrorCode.VersionConflict:
      return { status: 409, title: 'Version conflict' };
    case CommonErrorCode.PreconditionFailed:
      return { status: 412, title: 'Precondition failed' };
    case CommonErrorCode.PreconditionRequired:
      return { status: 428, title: 'Precondition required' };
    case CommonErrorCode.IdempotencyKeyReused:
      return { status: 422, title: 'Idempotency key reused' };
    case CommonErrorCode.DatabaseUnavailable:
    case CommonErrorCode.DatabaseBusy:
      return { status: 503, title: 'Service unavailable' };
    default: {
      const unmapped: never = code;
      throw new TypeError(`unmapped common error code ${String(unmapped)}`);
    }
  }
}
