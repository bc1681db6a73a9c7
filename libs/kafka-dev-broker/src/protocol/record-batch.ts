import { crc32c } from '../crc32c';
import { ErrorCode } from './error-codes';

/** Bytes before the records of a magic-2 batch (the v2 RecordBatch header). */
export const BATCH_HEADER_BYTES = 61;
/** baseOffset + batchLength: the part of the header not counted by batchLength. */
const BATCH_LOG_OVERHEAD = 12;

const MAGIC_OFFSET = 16;
const CRC_OFFSET = 17;
const ATTRIBUTES_OFFSET = 21;
const TRANSACTIONAL_FLAG = 0x10;
const CONTROL_FLAG = 0x20;

/** What the broker needs from a batch header; the records themselves stay opaque. */
export interface BatchHeader {
  lastOffsetDelta: number;
  firstTimestamp: number;
  maxTimestamp: number;
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  recordCount: number;
  isTransactional: boolean;
  isControl: boolean;
}

export interface ParsedBatch {
  /** The whole batch, baseOffset included, as a view on the request frame. */
  bytes: Buffer;
  header: BatchHeader;
}

export type RecordSetResult =
  | { ok: true; batches: ParsedBatch[] }
  | { ok: false; errorCode: ErrorCode; reason: string };

/** Total size of the batch starting at `start`, or -1 when fewer than 12 bytes are left. */
export function batchSizeAt(buffer: Buffer, start: number): number {
  if (buffer.length - start < BATCH_LOG_OVERHEAD) return -1;
  return BATCH_LOG_OVERHEAD + buffer.readInt32BE(start + 8);
}

/** Reads the header of a complete batch without checking it. */
export function readBatchHeader(batch: Buffer): BatchHeader {
  const attributes = batch.readInt16BE(ATTRIBUTES_OFFSET);
  return {
    lastOffsetDelta: batch.readInt32BE(23),
    firstTimestamp: Number(batch.readBigInt64BE(27)),
    maxTimestamp: Number(batch.readBigInt64BE(35)),
    producerId: Number(batch.readBigInt64BE(43)),
    producerEpoch: batch.readInt16BE(51),
    baseSequence: batch.readInt32BE(53),
    recordCount: batch.readInt32BE(57),
    isTransactional: (attributes & TRANSACTIONAL_FLAG) !== 0,
    isControl: (attributes & CONTROL_FLAG) !== 0,
  };
}

/**
 * Checks one complete batch: magic 2, CRC-32C over attributes onward, sane counts.
 * Returns a reason when it is invalid, null when it is good.
 */
export function checkBatch(batch: Buffer): string | null {
  if (batch.length < BATCH_HEADER_BYTES) return `batch of ${batch.length} bytes is shorter than its header`;
  const magic = batch.readInt8(MAGIC_OFFSET);
  if (magic !== 2) return `record batch magic ${magic} is not 2`;
  const expected = batch.readUInt32BE(CRC_OFFSET);
  const actual = crc32c(batch, ATTRIBUTES_OFFSET);
  if (expected !== actual) return `record batch CRC-32C mismatch (stored ${expected}, computed ${actual})`;
  const lastOffsetDelta = batch.readInt32BE(23);
  const recordCount = batch.readInt32BE(57);
  if (lastOffsetDelta < 0 || recordCount < 0) return `record batch has negative counts`;
  return null;
}

/** Splits a produce record set into validated batches. */
export function parseRecordSet(recordSet: Buffer, maxBatchBytes: number): RecordSetResult {
  const batches: ParsedBatch[] = [];
  let position = 0;
  while (position < recordSet.length) {
    const size = batchSizeAt(recordSet, position);
    if (size < BATCH_HEADER_BYTES || position + size > recordSet.length) {
      return { ok: false, errorCode: ErrorCode.CorruptMessage, reason: `truncated record batch at byte ${position}` };
    }
    const bytes = recordSet.subarray(position, position + size);
    if (size > maxBatchBytes) {
      return { ok: false, errorCode: ErrorCode.MessageTooLarge, reason: `record batch of ${size} bytes exceeds ${maxBatchBytes}` };
    }
    const problem = checkBatch(bytes);
    if (problem !== null) return { ok: false, errorCode: ErrorCode.CorruptMessage, reason: problem };
    batches.push({ bytes, header: readBatchHeader(bytes) });
    position += size;
  }
  if (batches.length === 0) return { ok: false, errorCode: ErrorCode.CorruptMessage, reason: 'empty record set' };
  return { ok: true, batches };
}

/** Sets baseOffset (bytes 0–7), the one field outside the CRC that the broker assigns. */
export function writeBaseOffset(batch: Buffer, baseOffset: number): void {
  batch.writeBigInt64BE(BigInt(baseOffset), 0);
}
