import { requestFingerprint } from '@fieldforce/platform';
import { type MutationResultResponse } from './dto/push.response';
import { type DecidedStatus, type OwnerDecision, type OwnerMutation } from './owner-client';
import { PushException } from './push.exception';

/** A final result, as stored and as every replay of its mutation answers it. */
export type StoredMutationResult = MutationResultResponse & { status: DecidedStatus };

/** The canonical hash of a mutation's payload (key order never matters): a replay must match it. */
export function mutationHash(mutation: OwnerMutation): string {
  return requestFingerprint(mutation.entity, mutation.entityId, mutation.op, mutation.baseVersion, mutation.base, mutation.changes);
}

/** The mutation without its sync bookkeeping: what the owner applies and what its hash covers. */
export function ownerMutationOf(mutation: OwnerMutation): OwnerMutation {
  const { entity, entityId, op, baseVersion, base, changes } = mutation;
  return { entity, entityId, op, baseVersion, base, changes };
}

/** Throws unless the ids ascend by one from the first: a push is one contiguous stretch of the client's queue. */
export function assertConsecutive(mutations: readonly { mutationId: number }[]): void {
  for (let index = 1; index < mutations.length; index += 1) {
    const previous = mutations[index - 1]!.mutationId;
    const received = mutations[index]!.mutationId;
    if (received !== previous + 1) throw PushException.notConsecutive(index, previous, received);
  }
}

/** The stored result of the owner's decision, with only the members it has. */
export function decidedResult(mutationId: number, decision: OwnerDecision): StoredMutationResult {
  const result: StoredMutationResult = { mutationId, status: decision.status };
  if (decision.version !== undefined) result.version = decision.version;
  if (decision.conflicts !== undefined && decision.conflicts.length > 0) result.conflicts = decision.conflicts;
  if (decision.data !== undefined) result.data = decision.data;
  if (decision.problem !== undefined) result.problem = decision.problem;
  return result;
}
