/** Where one stored batch lives and what the broker must know about it without reading it. */
export interface BatchEntry {
  baseOffset: number;
  lastOffset: number;
  /** Byte position of the batch in its segment. */
  position: number;
  size: number;
  maxTimestamp: number;
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
}

/** Storage of one partition's batches: appended in offset order, read back as contiguous runs. */
export interface SegmentStore {
  /** Entries found when the store was opened (recovered from disk, or none in memory). */
  readonly recovered: readonly BatchEntry[];
  /** Appends a batch whose baseOffset is already set; returns its byte position. */
  append(batch: Buffer, entry: Omit<BatchEntry, 'position'>): number;
  /** Reads the batches entries[firstIndex..lastIndex] (contiguous, inclusive) as chunks. */
  read(entries: readonly BatchEntry[], firstIndex: number, lastIndex: number): Buffer[];
  close(): void;
  /** Closes the store and removes whatever it persisted. */
  destroy(): void;
}
