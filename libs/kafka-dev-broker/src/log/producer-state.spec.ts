import { ErrorCode } from '../protocol/error-codes';
import { incrementSequence, ProducerStateTable } from './producer-state';

const batch = (baseSequence: number, lastOffsetDelta = 0, producerEpoch = 0) => ({ producerId: 5, producerEpoch, baseSequence, lastOffsetDelta });

describe(ProducerStateTable.name, () => {
  it('accepts the next sequence and rejects a gap as out of order', () => {
    const table = new ProducerStateTable();
    expect(table.check(batch(0, 2))).toEqual({ kind: 'append' });
    table.record(batch(0, 2), 0);
    expect(table.check(batch(3))).toEqual({ kind: 'append' });
    expect(table.check(batch(5))).toMatchObject({ kind: 'reject', errorCode: ErrorCode.OutOfOrderSequenceNumber });
  });

  it('recognises a retried batch and answers its original offset', () => {
    const table = new ProducerStateTable();
    table.record(batch(0, 1), 10);
    table.record(batch(2, 1), 12);
    expect(table.check(batch(0, 1))).toEqual({ kind: 'duplicate', baseOffset: 10 });
    expect(table.check(batch(2, 1))).toEqual({ kind: 'duplicate', baseOffset: 12 });
  });

  it('remembers only the last five batches of a producer', () => {
    const table = new ProducerStateTable();
    for (let i = 0; i < 6; i++) table.record(batch(i), 100 + i);
    expect(table.check(batch(1))).toEqual({ kind: 'duplicate', baseOffset: 101 });
    expect(table.check(batch(0))).toMatchObject({ kind: 'reject' });
  });

  it('fences an older epoch and restarts tracking on a newer one', () => {
    const table = new ProducerStateTable();
    table.record(batch(0, 0, 2), 0);
    expect(table.check(batch(1, 0, 1))).toMatchObject({ kind: 'reject', errorCode: ErrorCode.InvalidProducerEpoch });
    expect(table.check(batch(0, 0, 3))).toEqual({ kind: 'append' });
  });

  it('does not track batches without a producer id', () => {
    const table = new ProducerStateTable();
    table.record({ producerId: -1, producerEpoch: 0, baseSequence: 7, lastOffsetDelta: 0 }, 0);
    expect(table.check({ producerId: -1, producerEpoch: 0, baseSequence: 7, lastOffsetDelta: 0 })).toEqual({ kind: 'append' });
  });
});

describe(incrementSequence.name, () => {
  it('wraps from Int32 max to 0 as Kafka does', () => {
    expect(incrementSequence(2147483647, 1)).toBe(0);
    expect(incrementSequence(2147483646, 3)).toBe(1);
    expect(incrementSequence(10, 5)).toBe(15);
  });
});
