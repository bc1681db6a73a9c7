import { Injectable, Logger } from '@nestjs/common';
import { type AuthenticatedUser } from '@fieldforce/auth';
import { CommonException, InjectConfig } from '@fieldforce/platform';
import { type SyncConfig } from '../../config/sync.config';
import { type PushDto, type PushMutationDto } from './dto/push.dto';
import { type MutationResultResponse, type PushResponse } from './dto/push.response';
import { SUPPORTED_ENTITIES, mutationOwnerOf } from './mutation-owners';
import { OwnerClient, type OwnerOutcome } from './owner-client';
import { type StoredMutationResult, assertConsecutive, decidedResult, mutationHash, ownerMutationOf } from './push-results';
import { PushException, mutationProblem } from './push.exception';
import { PushRepository } from './push.repository';

/** Who pushes: the verified user, and the credentials the owners receive to enforce scope and field rules themselves. */
export interface Pusher {
  user: AuthenticatedUser;
  authorization: string;
  requestId?: string;
}

/**
 * Applies a client's queued mutations strictly in order, each through the service owning its
 * entity, exactly once: the result is stored in the transaction that advances the client's last
 * mutation id, under the client's row lock; the owner's idempotency key covers a crash between
 * the owner's commit and this one (services/sync/README.md, push).
 */
@Injectable()
export class PushService {
  private readonly logger = new Logger(PushService.name);

  constructor(
    private readonly repository: PushRepository,
    private readonly owners: OwnerClient,
    @InjectConfig() private readonly config: SyncConfig,
  ) {}

  /** One result per mutation, in order; processing stops at a mutation whose owner is unavailable. */
  async push(pusher: Pusher, request: PushDto): Promise<PushResponse> {
    const max = this.config.push.maxMutations;
    if (request.mutations.length > max) {
      throw CommonException.validationFailed([{ field: 'mutations', message: `a push carries at most ${max} mutations` }]);
    }
    assertConsecutive(request.mutations);
    const results: MutationResultResponse[] = [];
    let waiting: number | undefined;
    for (const mutation of request.mutations) {
      if (waiting !== undefined) {
        results.push({ mutationId: mutation.mutationId, status: 'pending', problem: mutationProblem(PushException.notAttempted(waiting)) });
        continue;
      }
      const result = await this.process(pusher, request.clientId, mutation);
      if (result.status === 'retry') waiting = mutation.mutationId;
      results.push(result);
    }
    return { results };
  }

  /**
   * The last mutation id applied for the user's client (0 before its first push); for the sync
   * status. A client id bound to another user is refused as push refuses it.
   */
  async lastMutationId(tenantId: string, userId: string, clientId: string): Promise<number> {
    const client = await this.repository.findClient(clientId);
    if (!client) return 0;
    if (client.tenantId !== tenantId || client.userId !== userId) throw PushException.clientOfAnotherUser(clientId);
    return client.lastMutationId;
  }

  private async process(pusher: Pusher, clientId: string, mutation: PushMutationDto): Promise<MutationResultResponse> {
    const { user } = pusher;
    const payload = ownerMutationOf(mutation);
    const hash = mutationHash(payload);
    return this.repository.transaction(async (manager) => {
      const client = await this.repository.lockClient(manager, user.tenantId, user.userId, clientId);
      if (client.tenantId !== user.tenantId || client.userId !== user.userId) throw PushException.clientOfAnotherUser(clientId);
      if (mutation.mutationId <= client.lastMutationId) {
        const stored = await this.repository.findResult(manager, clientId, mutation.mutationId);
        if (stored?.payloadHash === hash) return stored.result;
        return { mutationId: mutation.mutationId, status: 'rejected', problem: mutationProblem(PushException.mutationIdReused(mutation.mutationId)) };
      }
      if (mutation.mutationId > client.lastMutationId + 1) {
        throw PushException.mutationGap(client.lastMutationId + 1, mutation.mutationId);
      }
      const outcome = await this.decide(pusher, clientId, mutation);
      if (outcome.kind === 'unavailable') {
        this.logger.warn({ clientId, mutationId: mutation.mutationId, entity: mutation.entity, problem: outcome.problem.detail }, 'mutation owner unavailable');
        return { mutationId: mutation.mutationId, status: 'retry', problem: outcome.problem };
      }
      const result: StoredMutationResult = decidedResult(mutation.mutationId, outcome.decision);
      await this.repository.record(manager, clientId, hash, result);
      return result;
    });
  }

  // The owner's answer, or a rejection push decides itself (no owner for the entity).
  private async decide(pusher: Pusher, clientId: string, mutation: PushMutationDto): Promise<OwnerOutcome> {
    const owner = mutationOwnerOf(mutation.entity);
    if (!owner) {
      return { kind: 'decided', decision: { status: 'rejected', problem: mutationProblem(PushException.entityNotSupported(mutation.entity, SUPPORTED_ENTITIES)) } };
    }
    const outcome = await this.owners.apply(owner, ownerMutationOf(mutation), {
      authorization: pusher.authorization,
      idempotencyKey: `${clientId}:${mutation.mutationId}`,
      requestId: pusher.requestId,
    });
    if (outcome.kind === 'decided' && outcome.decision.status === 'rejected' && outcome.decision.problem === undefined) {
      return { kind: 'decided', decision: { ...outcome.decision, problem: mutationProblem(PushException.conflictLost(owner.service)) } };
    }
    return outcome;
  }
}
