import { DomainException, mapDomainErrors, type ProblemDetails, problemType } from '@fieldforce/platform';

export enum PushErrorCode {
  /** The push starts after the next expected mutation id: nothing is applied. */
  MutationGap = 'SYNC_MUTATION_GAP',
  /** The mutation ids of one push are not consecutive and ascending. */
  MutationsNotConsecutive = 'SYNC_MUTATIONS_NOT_CONSECUTIVE',
  /** The client id was first used by another user (or tenant). */
  ClientOfAnotherUser = 'SYNC_CLIENT_OF_ANOTHER_USER',
  // The codes below answer one mutation inside a push result, never a whole request.
  /** A mutation id already applied came back with another payload. */
  MutationIdReused = 'SYNC_MUTATION_ID_REUSED',
  /** No service takes mutations of the entity (yet). */
  EntityNotSupported = 'SYNC_ENTITY_NOT_SUPPORTED',
  /** The owning service did not answer (refused, timed out, 5xx): the mutation is retried by the next push. */
  OwnerUnavailable = 'SYNC_OWNER_UNAVAILABLE',
  /** Not attempted: an earlier mutation of the same push waits for its owner. */
  NotAttempted = 'SYNC_MUTATION_NOT_ATTEMPTED',
  /** The owner decided the mutation's conflict against it: nothing of it applies. */
  ConflictLost = 'SYNC_CONFLICT_LOST',
  /** The owner rejected the mutation without a problem document of its own. */
  OwnerRejected = 'SYNC_OWNER_REJECTED',
}

export class PushException extends DomainException<PushErrorCode> {
  static mutationGap(expectedMutationId: number, receivedMutationId: number): PushException {
    return new PushException(
      PushErrorCode.MutationGap,
      `mutation ${expectedMutationId} is the next one expected, the push starts at ${receivedMutationId}; nothing was applied`,
      { details: { expectedMutationId, receivedMutationId } },
    );
  }

  static notConsecutive(index: number, previous: number, received: number): PushException {
    return new PushException(
      PushErrorCode.MutationsNotConsecutive,
      `the mutations of one push must have consecutive ascending ids: ${received} follows ${previous}`,
      { errors: [{ field: `mutations.${index}.mutationId`, message: `must be ${previous + 1}` }] },
    );
  }

  static clientOfAnotherUser(clientId: string): PushException {
    return new PushException(
      PushErrorCode.ClientOfAnotherUser,
      `client ${clientId} belongs to another user; each device and user pushes under a client id of its own`,
      { details: { clientId } },
    );
  }

  static mutationIdReused(mutationId: number): PushException {
    return new PushException(
      PushErrorCode.MutationIdReused,
      `mutation ${mutationId} was already applied with another payload; its first result stands`,
      { details: { mutationId } },
    );
  }

  static entityNotSupported(entity: string, supported: readonly string[]): PushException {
    return new PushException(
      PushErrorCode.EntityNotSupported,
      `mutations of ${entity} are not supported by push yet; supported: ${supported.join(', ')}`,
      { details: { entity, supported } },
    );
  }

  static ownerUnavailable(service: string, reason: string): PushException {
    return new PushException(PushErrorCode.OwnerUnavailable, `the ${service} service did not apply the mutation (${reason}); push it again`, {
      details: { service, retryable: true },
    });
  }

  static notAttempted(waitingMutationId: number): PushException {
    return new PushException(
      PushErrorCode.NotAttempted,
      `not attempted: mutation ${waitingMutationId} before it waits for its owner; push both again`,
      { details: { waitingMutationId, retryable: true } },
    );
  }

  static conflictLost(service: string): PushException {
    return new PushException(PushErrorCode.ConflictLost, `the ${service} service kept its own version: the change lost its conflict (see conflicts)`);
  }

  static ownerRejected(service: string, status: number): PushException {
    return new PushException(PushErrorCode.OwnerRejected, `the ${service} service rejected the mutation with status ${status}`, {
      details: { service, ownerStatus: status },
    });
  }
}

export const pushProblems = mapDomainErrors(PushException, (code: PushErrorCode) => {
  switch (code) {
    case PushErrorCode.MutationGap:
      return { status: 409, title: 'Mutation gap' };
    case PushErrorCode.MutationsNotConsecutive:
      return { status: 400, title: 'Mutations not consecutive' };
    case PushErrorCode.ClientOfAnotherUser:
      return { status: 403, title: 'Client of another user' };
    case PushErrorCode.MutationIdReused:
      return { status: 422, title: 'Mutation id reused' };
    case PushErrorCode.EntityNotSupported:
      return { status: 422, title: 'Entity not supported' };
    case PushErrorCode.OwnerUnavailable:
      return { status: 503, title: 'Owner unavailable' };
    case PushErrorCode.NotAttempted:
      return { status: 503, title: 'Mutation not attempted' };
    case PushErrorCode.ConflictLost:
      return { status: 409, title: 'Conflict lost' };
    case PushErrorCode.OwnerRejected:
      return { status: 422, title: 'Rejected by owner' };
    default: {
      const unmapped: never = code;
      throw new TypeError(`unmapped push error code ${String(unmapped)}`);
    }
  }
});

/** The problem document of a per-mutation error, as the service's problem filter would render it for a request. */
export function mutationProblem(exception: PushException): ProblemDetails {
  const { status, title, type } = pushProblems.map(exception);
  return {
    type: type ?? problemType(exception.code),
    title,
    status,
    detail: exception.message,
    code: exception.code,
    ...(exception.errors === undefined ? {} : { errors: exception.errors }),
    ...(exception.details === undefined ? {} : { details: exception.details }),
  };
}
