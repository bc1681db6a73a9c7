import { array, int32, nullableArray, nullableBytes, nullableString, records, string, struct } from './schema';
import { decodeWith, encodeWith } from './kafkajs-reference.test-helper';
import { MalformedFrameError, Reader, Writer } from './wire';

describe(Reader.name, () => {
  it('throws MalformedFrameError when a field runs past the frame', () => {
    const reader = new Reader(Buffer.from([0, 5, 0x61]));
    expect(() => reader.nullableString()).toThrow(MalformedFrameError);
  });

  it('rejects an array length the remaining bytes cannot hold instead of allocating it', () => {
    const bytes = new Writer().int32(1_000_000_000).toBuffer();
    expect(() => decodeWith(array(int32), bytes)).toThrow(/array length 1000000000/);
  });

  it('rejects trailing bytes after a complete body', () => {
    const bytes = new Writer().int32(1).int32(2).toBuffer();
    expect(() => decodeWith(int32, bytes)).toThrow(/trailing bytes/);
  });

  it('reads negative and large int64 values exactly', () => {
    const bytes = new Writer().int64(-1).int64(2 ** 40 + 3).toBuffer();
    const reader = new Reader(bytes);
    expect([reader.int64(), reader.int64()]).toEqual([-1, 2 ** 40 + 3]);
  });
});

describe(Writer.name, () => {
  it('keeps large buffers as their own chunks instead of copying them', () => {
    const big = Buffer.alloc(10_000, 7);
    const chunks = new Writer().int32(big.length).raw(big).int8(1).toChunks();
    expect(chunks).toHaveLength(3);
    expect(chunks[1]).toBe(big);
    expect(Buffer.concat(chunks)).toHaveLength(4 + 10_000 + 1);
  });

  it('grows past its first chunk for many small fields', () => {
    const writer = new Writer();
    for (let i = 0; i < 5000; i++) writer.int32(i);
    const reader = new Reader(writer.toBuffer());
    expect(reader.remaining).toBe(20_000);
    reader.int32();
    expect(reader.int32()).toBe(1);
  });
});

describe('schema codecs', () => {
  const sample = struct({
    name: string,
    note: nullableString,
    data: nullableBytes,
    list: nullableArray(int32),
    batches: records,
  });

  it('round-trips nulls, empty values and multi-byte UTF-8', () => {
    const value = { name: 'zürich-東京', note: null, data: null, list: null, batches: null };
    expect(decodeWith(sample, encodeWith(sample, value))).toEqual(value);
    const filled = { name: '', note: '', data: Buffer.alloc(0), list: [], batches: [Buffer.from('ab')] };
    expect(decodeWith(sample, encodeWith(sample, filled))).toEqual(filled);
  });

  it('writes a record set of several chunks as one size-prefixed run', () => {
    const bytes = encodeWith(records, [Buffer.from('ab'), Buffer.from('cde')]);
    expect(bytes.toString('hex')).toBe('00000005' + Buffer.from('abcde').toString('hex'));
  });

  it('reads a null STRING as an empty string, as kafkajs sometimes sends one', () => {
    expect(decodeWith(string, new Writer().nullableString(null).toBuffer())).toBe('');
  });
});
