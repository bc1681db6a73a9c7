import * as fs from 'node:fs';
import { crc32c } from '../crc32c';
import { BATCH_HEADER_BYTES, batchSizeAt, checkBatch, readBatchHeader } from '../protocol/record-batch';
import { type BatchEntry, type SegmentStore } from './segment-store';

/**
 * Index entry: baseOffset i64, position i64, size i32, lastOffsetDelta i32, maxTimestamp i64,
 * producerId i64, producerEpoch i16, baseSequence i32, then a CRC-32C of those 46 bytes.
 * It carries the producer fields so idempotence state is rebuilt without rereading the log.
 */
export const INDEX_ENTRY_BYTES = 50;
const INDEX_CRC_OFFSET = 46;

export function encodeIndexEntry(entry: BatchEntry): Buffer {
  const buffer = Buffer.alloc(INDEX_ENTRY_BYTES);
  buffer.writeBigInt64BE(BigInt(entry.baseOffset), 0);
  buffer.writeBigInt64BE(BigInt(entry.position), 8);
  buffer.writeInt32BE(entry.size, 16);
  buffer.writeInt32BE(entry.lastOffset - entry.baseOffset, 20);
  buffer.writeBigInt64BE(BigInt(entry.maxTimestamp), 24);
  buffer.writeBigInt64BE(BigInt(entry.producerId), 32);
  buffer.writeInt16BE(entry.producerEpoch, 40);
  buffer.writeInt32BE(entry.baseSequence, 42);
  buffer.writeUInt32BE(crc32c(buffer, 0, INDEX_CRC_OFFSET), INDEX_CRC_OFFSET);
  return buffer;
}

/** Decodes one index entry, or null when its checksum shows it was torn or never completed. */
export function decodeIndexEntry(buffer: Buffer, start: number): BatchEntry | null {
  const stored = buffer.readUInt32BE(start + INDEX_CRC_OFFSET);
  if (stored !== crc32c(buffer, start, start + INDEX_CRC_OFFSET)) return null;
  const baseOffset = Number(buffer.readBigInt64BE(start));
  return {
    baseOffset,
    position: Number(buffer.readBigInt64BE(start + 8)),
    size: buffer.readInt32BE(start + 16),
    lastOffset: baseOffset + buffer.readInt32BE(start + 20),
    maxTimestamp: Number(buffer.readBigInt64BE(start + 24)),
    producerId: Number(buffer.readBigInt64BE(start + 32)),
    producerEpoch: buffer.readInt16BE(start + 40),
    baseSequence: buffer.readInt32BE(start + 42),
  };
}

function entryFromBatch(batch: Buffer, position: number): BatchEntry {
  const header = readBatchHeader(batch);
  const baseOffset = Number(batch.readBigInt64BE(0));
  return {
    baseOffset,
    lastOffset: baseOffset + header.lastOffsetDelta,
    position,
    size: batch.length,
    maxTimestamp: header.maxTimestamp,
    producerId: header.producerId,
    producerEpoch: header.producerEpoch,
    baseSequence: header.baseSequence,
  };
}

function readAt(fd: number, position: number, length: number): Buffer {
  const buffer = Buffer.allocUnsafe(length);
  let done = 0;
  while (done < length) {
    const read = fs.readSync(fd, buffer, done, length - done, position + done);
    if (read === 0) return buffer.subarray(0, done);
    done += read;
  }
  return buffer;
}

function writeAt(fd: number, buffer: Buffer, position: number): void {
  let done = 0;
  while (done < buffer.length) done += fs.writeSync(fd, buffer, done, buffer.length - done, position + done);
}

/**
 * One append-only segment file per partition plus its offset index. File I/O is synchronous on
 * purpose: an append is on disk (in the page cache) before its produce is acknowledged, in request
 * order, with no interleaving to reason about; this is a dev broker, not a throughput server.
 */
export class FileSegmentStore implements SegmentStore {
  readonly recovered: readonly BatchEntry[];
  private readonly logFd: number;
  private readonly indexFd: number;
  private logSize: number;
  private indexSize: number;
  private closed = false;

  /** Opens (creating if needed) `<basePath>.log` and `<basePath>.index` and recovers a torn tail. */
  constructor(
    private readonly basePath: string,
    private readonly log: (line: string) => void = () => undefined,
  ) {
    this.logFd = fs.openSync(`${basePath}.log`, fs.existsSync(`${basePath}.log`) ? 'r+' : 'w+');
    this.indexFd = fs.openSync(`${basePath}.index`, fs.existsSync(`${basePath}.index`) ? 'r+' : 'w+');
    const recovered = this.recover();
    this.recovered = recovered;
    const last = recovered[recovered.length - 1];
    this.logSize = last === undefined ? 0 : last.position + last.size;
    this.indexSize = recovered.length * INDEX_ENTRY_BYTES;
  }

  private recover(): BatchEntry[] {
    const logSize = fs.fstatSync(this.logFd).size;
    const indexBytes = readAt(this.indexFd, 0, fs.fstatSync(this.indexFd).size);
    const entries: BatchEntry[] = [];
    let expectedPosition = 0;
    for (let start = 0; start + INDEX_ENTRY_BYTES <= indexBytes.length; start += INDEX_ENTRY_BYTES) {
      const entry = decodeIndexEntry(indexBytes, start);
      const previous = entries[entries.length - 1];
      const contiguous =
        entry !== null &&
        entry.position === expectedPosition &&
        entry.position + entry.size <= logSize &&
        (previous === undefined || entry.baseOffset === previous.lastOffset + 1);
      if (!contiguous) break;
      entries.push(entry);
      expectedPosition = entry.position + entry.size;
    }
    // The log is written before the index, so indexed batches are normally whole; check the last one anyway.
    while (entries.length > 0) {
      const last = entries[entries.length - 1]!;
      if (checkBatch(readAt(this.logFd, last.position, last.size)) === null) break;
      entries.pop();
    }
    const indexedEntries = entries.length;
    // Batches written to the log but not yet indexed when the process stopped.
    let position = entries.length === 0 ? 0 : entries[entries.length - 1]!.position + entries[entries.length - 1]!.size;
    for (;;) {
      const head = readAt(this.logFd, position, 12);
      const size = batchSizeAt(head, 0);
      if (size < BATCH_HEADER_BYTES || position + size > logSize) break;
      const batch = readAt(this.logFd, position, size);
      const expectedOffset = entries.length === 0 ? 0 : entries[entries.length - 1]!.lastOffset + 1;
      if (checkBatch(batch) !== null || Number(batch.readBigInt64BE(0)) !== expectedOffset) break;
      entries.push(entryFromBatch(batch, position));
      position += size;
    }
    if (position < logSize) {
      const lastOffset = entries.length === 0 ? -1 : entries[entries.length - 1]!.lastOffset;
      this.log(`${this.basePath}.log: dropped a torn tail of ${logSize - position} bytes after offset ${lastOffset}`);
      fs.ftruncateSync(this.logFd, position);
    }
    fs.ftruncateSync(this.indexFd, indexedEntries * INDEX_ENTRY_BYTES);
    for (let i = indexedEntries; i < entries.length; i++) {
      writeAt(this.indexFd, encodeIndexEntry(entries[i]!), i * INDEX_ENTRY_BYTES);
    }
    return entries;
  }

  append(batch: Buffer, entry: Omit<BatchEntry, 'position'>): number {
    const position = this.logSize;
    writeAt(this.logFd, batch, position);
    this.logSize += batch.length;
    writeAt(this.indexFd, encodeIndexEntry({ ...entry, position }), this.indexSize);
    this.indexSize += INDEX_ENTRY_BYTES;
    return position;
  }

  read(entries: readonly BatchEntry[], firstIndex: number, lastIndex: number): Buffer[] {
    const first = entries[firstIndex]!;
    const last = entries[lastIndex]!;
    return [readAt(this.logFd, first.position, last.position + last.size - first.position)];
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    fs.fsyncSync(this.logFd);
    fs.fsyncSync(this.indexFd);
    fs.closeSync(this.logFd);
    fs.closeSync(this.indexFd);
  }

  destroy(): void {
    if (!this.closed) {
      this.closed = true;
      fs.closeSync(this.logFd);
      fs.closeSync(this.indexFd);
    }
    fs.rmSync(`${this.basePath}.log`, { force: true });
    fs.rmSync(`${this.basePath}.index`, { force: true });
  }
}
