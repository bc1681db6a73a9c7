import { DomainException, mapDomainErrors } from '@fieldforce/platform';

export enum MutationErrorCode {
  /** An operation no device may make on this entity (tasks are planned on the server; reports are final). */
  OpNotSupported = 'VISIT_MUTATION_OP_NOT_SUPPORTED',
}

export class MutationException extends DomainException<MutationErrorCode> {
  static opNotSupported(entity: string, op: string, why: string): MutationException {
    return new MutationException(MutationErrorCode.OpNotSupported, `a ${entity} cannot be ${op}d from a device: ${why}`, {
      errors: [{ field: 'op', message: `${op} is not supported for ${entity}` }],
      details: { entity, op },
    });
  }
}

export const mutationProblems = mapDomainErrors(MutationException, (code: MutationErrorCode) => {
  switch (code) {
    case MutationErrorCode.OpNotSupported:
      return { status: 422, title: 'Mutation not supported' };
    default: {
      const unmapped: never = code;
      throw new TypeError(`unmapped mutation error code ${String(unmapped)}`);
    }
  }
});
