import { kafkajsRecord, kafkajsRecordBatch } from '../protocol/kafkajs-reference.test-helper';
import { ErrorCode } from '../protocol/error-codes';
import { parseRecordSet, type ParsedBatch } from '../protocol/record-batch';
import { MemorySegmentStore } from './memory-segment-store';
import { PartitionLog } from './partition-log';

async function batches(count: number, options: object = {}): Promise<ParsedBatch[]> {
  const bytes = await kafkajsRecordBatch({
    lastOffsetDelta: count - 1,
    records: Array.from({ length: count }, (_, i) => kafkajsRecord({ offsetDelta: i, value: `v${i}` })),
    ...options,
  });
  const parsed = parseRecordSet(bytes, 10_000_000);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.batches;
}

const baseOffsetOf = (chunk: Buffer, at = 0): number => Number(chunk.readBigInt64BE(at));

describe(PartitionLog.name, () => {
  let log: PartitionLog;

  beforeEach(() => {
    log = new PartitionLog(0, new MemorySegmentStore());
  });

  it('assigns consecutive offsets across batches and moves the log end', async () => {
    expect(log.append(await batches(3))).toEqual({ errorCode: ErrorCode.None, baseOffset: 0 });
    expect(log.append(await batches(2))).toEqual({ errorCode: ErrorCode.None, baseOffset: 3 });
    expect(log.logEndOffset).toBe(5);
  });

  it('reads whole batches from the one holding the fetch offset', async () => {
    log.append(await batches(3));
    log.append(await batches(2));
    const read = log.read(4, 1_000_000, true);
    expect(read.chunks).toHaveLength(1);
    expect(baseOffsetOf(read.chunks[0]!)).toBe(3);
    expect(log.read(5, 1_000_000, true)).toEqual({ chunks: [], bytes: 0 });
  });

  it('stops at the byte limit but returns a first batch larger than it when asked to', async () => {
    log.append(await batches(3));
    log.append(await batches(3));
    const size = log.read(0, 1_000_000, true).bytes / 2;
    expect(log.read(0, size, false).chunks).toHaveLength(1);
    expect(log.read(0, 10, false).chunks).toHaveLength(0);
    const oversized = log.read(0, 10, true);
    expect(oversized.chunks).toHaveLength(1);
    expect(oversized.bytes).toBe(size);
  });

  it('answers a retried idempotent batch with its original offset without storing it again', async () => {
    const first = await batches(2, { producerId: 4, producerEpoch: 0, firstSequence: 0 });
    log.append(first);
    log.append(await batches(1, { producerId: 4, producerEpoch: 0, firstSequence: 2 }));
    const retried = await batches(2, { producerId: 4, producerEpoch: 0, firstSequence: 0 });
    expect(log.append(retried)).toEqual({ errorCode: ErrorCode.None, baseOffset: 0 });
    expect(log.logEndOffset).toBe(3);
    expect(log.append(await batches(1, { producerId: 4, producerEpoch: 0, firstSequence: 9 }))).toMatchObject({
      errorCode: ErrorCode.OutOfOrderSequenceNumber,
    });
  });

  it('refuses transactional batches', async () => {
    expect(log.append(await batches(1, { transactional: true }))).toMatchObject({ errorCode: ErrorCode.InvalidRequest });
    expect(log.logEndOffset).toBe(0);
  });

  it('wakes append listeners until they unsubscribe', async () => {
    let wakes = 0;
    const unsubscribe = log.onAppend(() => (wakes += 1));
    log.append(await batches(1));
    unsubscribe();
    log.append(await batches(1));
    expect(wakes).toBe(1);
  });

  it('finds the first batch whose max timestamp reaches a time', async () => {
    log.append(await batches(2, { firstTimestamp: 1000, maxTimestamp: 1500 }));
    log.append(await batches(2, { firstTimestamp: 2000, maxTimestamp: 2500 }));
    expect(log.offsetForTimestamp(1200)).toEqual({ offset: 0, timestamp: 1500 });
    expect(log.offsetForTimestamp(1600)).toEqual({ offset: 2, timestamp: 2500 });
    expect(log.offsetForTimestamp(3000)).toBeNull();
  });
});
