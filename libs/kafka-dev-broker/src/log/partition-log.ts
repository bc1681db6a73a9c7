import { ErrorCode } from '../protocol/error-codes';
import { type ParsedBatch, writeBaseOffset } from '../protocol/record-batch';
import { ProducerStateTable } from './producer-state';
import { type BatchEntry, type SegmentStore } from './segment-store';

export type AppendResult =
  | { errorCode: ErrorCode.None; baseOffset: number }
  | { errorCode: ErrorCode; baseOffset: -1; reason: string };

export interface ReadResult {
  chunks: Buffer[];
  bytes: number;
}

/** One partition: its batches in offset order, its producer sequences, and readers waiting for data. */
export class PartitionLog {
  private readonly entries: BatchEntry[];
  private readonly producers = new ProducerStateTable();
  private readonly appendListeners = new Set<() => void>();

  constructor(
    readonly partition: number,
    private readonly store: SegmentStore,
  ) {
    this.entries = [...store.recovered];
    for (const entry of this.entries) {
      this.producers.record({ ...entry, lastOffsetDelta: entry.lastOffset - entry.baseOffset }, entry.baseOffset);
    }
  }

  /** Offset the next appended record gets (the high watermark: there are no replicas). */
  get logEndOffset(): number {
    const last = this.entries[this.entries.length - 1];
    return last === undefined ? 0 : last.lastOffset + 1;
  }

  get logStartOffset(): number {
    return 0;
  }

  /**
   * Appends the batches of one produce request, rewriting only each batch's baseOffset.
   * A retried idempotent batch answers its original offset and is not stored twice.
   */
  append(batches: readonly ParsedBatch[]): AppendResult {
    const endBefore = this.logEndOffset;
    try {
      return this.appendEach(batches);
    } finally {
      if (this.logEndOffset !== endBefore) for (const listener of [...this.appendListeners]) listener();
    }
  }

  private appendEach(batches: readonly ParsedBatch[]): AppendResult {
    let firstOffset = -1;
    for (const { bytes, header } of batches) {
      if (header.isTransactional || header.isControl) {
        return { errorCode: ErrorCode.InvalidRequest, baseOffset: -1, reason: 'transactional batches are not supported' };
      }
      const check = this.producers.check(header);
      if (check.kind === 'reject') return { errorCode: check.errorCode, baseOffset: -1, reason: check.reason };
      if (check.kind === 'duplicate') {
        if (firstOffset < 0) firstOffset = check.baseOffset;
        continue;
      }
      const baseOffset = this.logEndOffset;
      writeBaseOffset(bytes, baseOffset);
      const entry = {
        baseOffset,
        lastOffset: baseOffset + header.lastOffsetDelta,
        size: bytes.length,
        maxTimestamp: header.maxTimestamp,
        producerId: header.producerId,
        producerEpoch: header.producerEpoch,
        baseSequence: header.baseSequence,
      };
      const position = this.store.append(bytes, entry);
      this.entries.push({ ...entry, position });
      this.producers.record(header, baseOffset);
      if (firstOffset < 0) firstOffset = baseOffset;
    }
    return { errorCode: ErrorCode.None, baseOffset: firstOffset };
  }

  /** Index of the batch holding `offset`, or -1 when no batch holds it. */
  private indexOf(offset: number): number {
    let low = 0;
    let high = this.entries.length - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const entry = this.entries[middle]!;
      if (entry.lastOffset < offset) low = middle + 1;
      else if (entry.baseOffset > offset) high = middle - 1;
      else return middle;
    }
    return -1;
  }

  /**
   * Whole batches from the one holding `fetchOffset`, up to `maxBytes`; with `atLeastOne` the
   * first batch is returned even when it alone is larger, so a consumer can always progress.
   */
  read(fetchOffset: number, maxBytes: number, atLeastOne: boolean): ReadResult {
    const first = this.indexOf(fetchOffset);
    if (first < 0) return { chunks: [], bytes: 0 };
    let last = first - 1;
    let bytes = 0;
    while (last + 1 < this.entries.length) {
      const size = this.entries[last + 1]!.size;
      if (bytes + size > maxBytes && !(atLeastOne && last < first)) break;
      bytes += size;
      last += 1;
    }
    if (last < first) return { chunks: [], bytes: 0 };
    return { chunks: this.store.read(this.entries, first, last), bytes };
  }

  /** The first batch whose max timestamp reaches `timestamp`: batch granularity, records stay opaque. */
  offsetForTimestamp(timestamp: number): { offset: number; timestamp: number } | null {
    const entry = this.entries.find((e) => e.maxTimestamp >= timestamp);
    return entry === undefined ? null : { offset: entry.baseOffset, timestamp: entry.maxTimestamp };
  }

  /** Calls `listener` after every append until the returned function is called. */
  onAppend(listener: () => void): () => void {
    this.appendListeners.add(listener);
    return () => this.appendListeners.delete(listener);
  }

  close(): void {
    this.store.close();
  }

  destroy(): void {
    this.store.destroy();
  }
}
