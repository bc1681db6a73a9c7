import { type BatchEntry, type SegmentStore } from './segment-store';

/** Keeps a partition's batches in memory: the default for tests. */
export class MemorySegmentStore implements SegmentStore {
  readonly recovered: readonly BatchEntry[] = [];
  private readonly batches: Buffer[] = [];
  private size = 0;

  append(batch: Buffer): number {
    // Copied so the stored batch does not pin the whole request frame it arrived in.
    const copy = Buffer.allocUnsafe(batch.length);
    batch.copy(copy);
    this.batches.push(copy);
    const position = this.size;
    this.size += batch.length;
    return position;
  }

  read(_entries: readonly BatchEntry[], firstIndex: number, lastIndex: number): Buffer[] {
    return this.batches.slice(firstIndex, lastIndex + 1);
  }

  close(): void {}

  destroy(): void {
    this.batches.length = 0;
  }
}
