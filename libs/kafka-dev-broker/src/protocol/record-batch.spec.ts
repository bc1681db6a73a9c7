import { ErrorCode } from './error-codes';
import { kafkajsRecord, kafkajsRecordBatch } from './kafkajs-reference.test-helper';
import { checkBatch, parseRecordSet, readBatchHeader, writeBaseOffset } from './record-batch';

async function batchOf(count: number, options: object = {}): Promise<Buffer> {
  return kafkajsRecordBatch({
    lastOffsetDelta: count - 1,
    firstTimestamp: 1000,
    maxTimestamp: 2000,
    records: Array.from({ length: count }, (_, i) => kafkajsRecord({ offsetDelta: i, key: `k${i}`, value: `v${i}` })),
    ...options,
  });
}

describe(parseRecordSet.name, () => {
  it('splits concatenated batches and reads their headers', async () => {
    const first = await batchOf(2, { producerId: 9, producerEpoch: 1, firstSequence: 4 });
    const second = await batchOf(3);
    const result = parseRecordSet(Buffer.concat([first, second]), 1_000_000);
    if (!result.ok) throw new Error(result.reason);
    expect(result.batches.map((b) => b.bytes.length)).toEqual([first.length, second.length]);
    expect(result.batches[0]!.header).toMatchObject({
      lastOffsetDelta: 1,
      maxTimestamp: 2000,
      producerId: 9,
      producerEpoch: 1,
      baseSequence: 4,
      recordCount: 2,
      isTransactional: false,
    });
  });

  it('rejects a batch whose bytes no longer match its CRC-32C', async () => {
    const batch = await batchOf(1);
    batch.writeUInt8(batch.readUInt8(batch.length - 1) ^ 0xff, batch.length - 1);
    const result = parseRecordSet(batch, 1_000_000);
    expect(result).toMatchObject({ ok: false, errorCode: ErrorCode.CorruptMessage, reason: expect.stringMatching(/CRC-32C/) });
  });

  it('rejects a batch of another magic version', async () => {
    const batch = await batchOf(1);
    batch.writeInt8(1, 16);
    expect(parseRecordSet(batch, 1_000_000)).toMatchObject({ ok: false, reason: 'record batch magic 1 is not 2' });
  });

  it('rejects a truncated batch and an empty record set', async () => {
    const batch = await batchOf(2);
    expect(parseRecordSet(batch.subarray(0, batch.length - 1), 1_000_000)).toMatchObject({ ok: false, errorCode: ErrorCode.CorruptMessage });
    expect(parseRecordSet(Buffer.alloc(0), 1_000_000)).toMatchObject({ ok: false, errorCode: ErrorCode.CorruptMessage });
  });

  it('answers MESSAGE_TOO_LARGE for a batch over the limit', async () => {
    const batch = await batchOf(5);
    expect(parseRecordSet(batch, batch.length - 1)).toMatchObject({ ok: false, errorCode: ErrorCode.MessageTooLarge });
  });
});

describe(writeBaseOffset.name, () => {
  it('changes only bytes 0-7, so the batch CRC stays valid', async () => {
    const batch = await batchOf(2);
    const before = Buffer.from(batch);
    writeBaseOffset(batch, 123_456);
    expect(Number(batch.readBigInt64BE(0))).toBe(123_456);
    expect(batch.subarray(8)).toEqual(before.subarray(8));
    expect(checkBatch(batch)).toBeNull();
    expect(readBatchHeader(batch).recordCount).toBe(2);
  });
});
