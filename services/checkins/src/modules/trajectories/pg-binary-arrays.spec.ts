import { boolArray, float4Array, float8Array, int2Array, textArray, timestamptzArray } from './pg-binary-arrays';

const hex = (buffer: Buffer): string => buffer.toString('hex');
// ndim 1, flags, element type, length, lower bound 1.
const header = (hasNull: 0 | 1, oid: number, count: number): string =>
  [1, hasNull, oid, count, 1].map((value) => value.toString(16).padStart(8, '0')).join('');
const identity = <T>(value: T): T => value;

describe('pg-binary-arrays', () => {
  it('writes a one-dimensional array header, the element type and a length before each element', () => {
    expect(hex(int2Array([7, -1], identity))).toBe(`${header(0, 21, 2)}000000020007` + '00000002ffff');
    expect(hex(boolArray([true, false], identity))).toBe(`${header(0, 16, 2)}0000000101` + '0000000100');
  });

  it('marks nulls with length -1 and flags the array as holding them', () => {
    expect(hex(float4Array([1.5, null], identity))).toBe(`${header(1, 700, 2)}000000043fc00000` + 'ffffffff');
  });

  it('writes doubles exactly and reals rounded to single precision', () => {
    const doubles = float8Array([52.52000685681095], identity);
    expect(doubles.readDoubleBE(24)).toBe(52.52000685681095);
    const reals = float4Array([0.1], identity);
    expect(reals.readFloatBE(24)).toBe(Math.fround(0.1));
  });

  it('counts timestamps in microseconds from 2000-01-01, before it as a negative int64', () => {
    const instants = timestamptzArray([Date.UTC(2000, 0, 1), Date.UTC(1999, 11, 31, 23, 59, 59, 999), Date.UTC(2025, 4, 6, 12, 0, 0, 1)], identity);
    expect(instants.readBigInt64BE(24)).toBe(0n);
    expect(instants.readBigInt64BE(36)).toBe(-1000n);
    expect(instants.readBigInt64BE(48)).toBe(BigInt(Date.UTC(2025, 4, 6, 12, 0, 0, 1) - Date.UTC(2000, 0, 1)) * 1000n);
  });

  it('writes text as UTF-8 with its length in bytes', () => {
    const text = textArray(['seq:1', 'Zürich'], identity);
    expect(text.readInt32BE(20)).toBe(5);
    expect(text.toString('utf8', 24, 29)).toBe('seq:1');
    expect(text.readInt32BE(29)).toBe(7);
    expect(text.toString('utf8', 33)).toBe('Zürich');
  });
});
