import { Injectable } from '@nestjs/common';
import { type AccessPolicy, type AuthenticatedUser } from '@fieldforce/auth';
import { type CheckInState } from '@fieldforce/contracts';
import { CommonException, type IdempotencyKeyHeader, type MutationResult, changesAs, requireMutationKey } from '@fieldforce/platform';
import { CheckInErrorCode, CheckInException } from '../check-ins/check-ins.exception';
import { CheckInsService } from '../check-ins/check-ins.service';
import { CreateCheckInDto } from '../check-ins/dto/check-in-point.dto';
import { type CheckInMutationDto, CheckInUpdateChangesDto } from './dto/check-in-mutation.dto';
import { CheckInMutationException } from './mutations.exception';

/** Both phases are the user's own `checkin:create`, as on their REST routes. */
const CHECK_IN_ACTION = 'checkin:create';

// A pushed check-in or check-out reaches the server late by nature: it counts as offline (a late
// online capture would be a skewed clock), so `offline` may only confirm it.
function assertOffline(input: { offline?: boolean }, field: string): void {
  if (input.offline === false) throw CommonException.validationFailed([{ field, message: 'must be true or absent: a pushed capture is offline' }]);
  input.offline = true;
}

/**
 * Offline check-ins and check-outs pushed by the sync service on the user's behalf: each goes
 * through the same CheckInsService write as its REST route (trust score, scope, events), once
 * per Idempotency-Key. Check-ins are not merged: a create records the check-in, an update its
 * check-out, and nothing deletes one.
 */
@Injectable()
export class MutationsService {
  constructor(private readonly checkIns: CheckInsService) {}

  /**
   * Applies one mutation (`applied`, with the check-in as the user reads it; `authorization`, the
   * request's own header, reads its photo uploads from sync); a replay of its
   * Idempotency-Key (`<clientId>:<mutationId>`, required) answers the first result, another
   * payload under it is a 422. Bad input is a 400 naming `changes.<field>` and changes nothing; a
   * create reusing an id with other content, and any delete, are 422; a check-out of a check-in
   * that is not the user's is 404, a different second check-out 409.
   */
  async apply(
    user: AuthenticatedUser,
    policy: AccessPolicy,
    mutation: CheckInMutationDto,
    authorization: string,
    idempotency: IdempotencyKeyHeader | undefined,
  ): Promise<MutationResult<CheckInState>> {
    const key = requireMutationKey(idempotency);
    const changes = mutation.changes ?? {};
    if (mutation.op !== 'delete') policy.assertCan(CHECK_IN_ACTION);
    switch (mutation.op) {
      case 'create': {
        if ('id' in changes && String(changes['id']).toLowerCase() !== mutation.entityId.toLowerCase()) {
          throw CommonException.validationFailed([{ field: 'changes.id', message: 'must be the entityId when given' }]);
        }
        const input = changesAs(CreateCheckInDto, { ...changes, id: mutation.entityId });
        assertOffline(input, 'changes.offline');
        try {
          return toResult((await this.checkIns.record(user, input, authorization, key)).checkIn);
        } catch (error) {
          if (error instanceof CheckInException && error.code === CheckInErrorCode.AlreadyExists) throw CheckInMutationException.idReused(input.id, error);
          throw error;
        }
      }
      case 'update': {
        const { checkOut } = changesAs(CheckInUpdateChangesDto, changes);
        assertOffline(checkOut, 'changes.checkOut.offline');
        return toResult(await this.checkIns.checkOut(user, mutation.entityId, checkOut, authorization, key));
      }
      case 'delete':
        throw CheckInMutationException.notDeletable(mutation.entityId);
      default: {
        const unknownOp: never = mutation.op;
        throw new TypeError(`unknown mutation op ${String(unknownOp)}`);
      }
    }
  }
}

// Check-ins have no conflicting edits to merge: a decided mutation is applied.
function toResult(checkIn: CheckInState): MutationResult<CheckInState> {
  return { status: 'applied', version: checkIn.version, data: checkIn };
}
