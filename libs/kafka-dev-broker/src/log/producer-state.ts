import { ErrorCode } from '../protocol/error-codes';

const INT32_MAX = 2147483647;
/** Kafka keeps the last five batches per producer so any of them can be recognised when retried. */
const RECENT_BATCHES = 5;

/** Adds to a producer sequence the way Kafka does: sequences wrap from Int32 max to 0. */
export function incrementSequence(sequence: number, increment: number): number {
  return sequence > INT32_MAX - increment ? increment - (INT32_MAX - sequence) - 1 : sequence + increment;
}

interface RecentBatch {
  firstSequence: number;
  lastSequence: number;
  baseOffset: number;
}

interface ProducerPartitionState {
  epoch: number;
  lastSequence: number;
  recent: RecentBatch[];
}

export type SequenceCheck =
  | { kind: 'append' }
  | { kind: 'duplicate'; baseOffset: number }
  | { kind: 'reject'; errorCode: ErrorCode; reason: string };

export interface ProducerBatch {
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  lastOffsetDelta: number;
}

/** Idempotent-producer sequence tracking for one partition, per producer id. */
export class ProducerStateTable {
  private readonly producers = new Map<number, ProducerPartitionState>();

  /** Decides whether a batch is next in sequence, a retry of a stored batch, or out of order. */
  check(batch: ProducerBatch): SequenceCheck {
    if (batch.producerId < 0) return { kind: 'append' };
    const state = this.producers.get(batch.producerId);
    // Unknown producers start tracking at whatever sequence they send: after an in-memory broker
    // restart a live kafkajs producer keeps its id and sequences, and should keep working.
    if (state === undefined || batch.producerEpoch > state.epoch) return { kind: 'append' };
    if (batch.producerEpoch < state.epoch) {
      return {
        kind: 'reject',
        errorCode: ErrorCode.InvalidProducerEpoch,
        reason: `producer ${batch.producerId} epoch ${batch.producerEpoch} is older than ${state.epoch}`,
      };
    }
    const lastSequence = incrementSequence(batch.baseSequence, batch.lastOffsetDelta);
    const retried = state.recent.find((r) => r.firstSequence === batch.baseSequence && r.lastSequence === lastSequence);
    if (retried !== undefined) return { kind: 'duplicate', baseOffset: retried.baseOffset };
    const expected = incrementSequence(state.lastSequence, 1);
    if (batch.baseSequence !== expected) {
      return {
        kind: 'reject',
        errorCode: ErrorCode.OutOfOrderSequenceNumber,
        reason: `producer ${batch.producerId} sent sequence ${batch.baseSequence}, expected ${expected}`,
      };
    }
    return { kind: 'append' };
  }

  /** Records an appended batch. */
  record(batch: ProducerBatch, baseOffset: number): void {
    if (batch.producerId < 0) return;
    const lastSequence = incrementSequence(batch.baseSequence, batch.lastOffsetDelta);
    let state = this.producers.get(batch.producerId);
    if (state === undefined || batch.producerEpoch !== state.epoch) {
      state = { epoch: batch.producerEpoch, lastSequence, recent: [] };
      this.producers.set(batch.producerId, state);
    }
    state.lastSequence = lastSequence;
    state.recent.push({ firstSequence: batch.baseSequence, lastSequence, baseOffset });
    if (state.recent.length > RECENT_BATCHES) state.recent.shift();
  }
}
