/**
 * One-dimensional Postgres arrays in the binary wire format (what `array_recv` reads), for
 * statement parameters: node-postgres sends a Buffer parameter in binary format, and the
 * statement's cast (`$4::float8[]`) tells the server its type. A batch of track points travels
 * as a few such arrays: no number or timestamp is formatted as text in Node, nor parsed from text
 * by Postgres, which together were a fifth of the ingest's CPU.
 */

const OID = { bool: 16, int2: 21, text: 25, float4: 700, float8: 701, timestamptz: 1184 } as const;
// ndim, flags (has nulls), element type, then length and lower bound of the one dimension.
const HEADER_BYTES = 20;
const NULL_LENGTH = -1;
// Postgres counts timestamps in microseconds from 2000-01-01T00:00:00Z.
const POSTGRES_EPOCH_MS = Date.UTC(2000, 0, 1);
const TWO_TO_32 = 2 ** 32;

function header(oid: number, count: number, dataBytes: number, hasNull: boolean): Buffer {
  const buffer = Buffer.allocUnsafe(HEADER_BYTES + dataBytes);
  buffer.writeInt32BE(1, 0);
  buffer.writeInt32BE(hasNull ? 1 : 0, 4);
  buffer.writeUInt32BE(oid, 8);
  buffer.writeInt32BE(count, 12);
  buffer.writeInt32BE(1, 16);
  return buffer;
}

type Read<T, V> = (row: T) => V;

function fixedWidth<T>(
  rows: readonly T[],
  oid: number,
  width: number,
  read: Read<T, number | null>,
  write: (buffer: Buffer, value: number, offset: number) => void,
): Buffer {
  let nulls = 0;
  for (const row of rows) if (read(row) === null) nulls += 1;
  const buffer = header(oid, rows.length, rows.length * 4 + (rows.length - nulls) * width, nulls > 0);
  let offset = HEADER_BYTES;
  for (const row of rows) {
    const value = read(row);
    if (value === null) {
      offset = buffer.writeInt32BE(NULL_LENGTH, offset);
    } else {
      offset = buffer.writeInt32BE(width, offset);
      write(buffer, value, offset);
      offset += width;
    }
  }
  return buffer;
}

/** `float8[]` (double precision): the values exactly. */
export function float8Array<T>(rows: readonly T[], read: Read<T, number | null>): Buffer {
  return fixedWidth(rows, OID.float8, 8, read, (buffer, value, offset) => buffer.writeDoubleBE(value, offset));
}

/** `real[]`: each value rounded to single precision, as a cast from double precision would. */
export function float4Array<T>(rows: readonly T[], read: Read<T, number | null>): Buffer {
  return fixedWidth(rows, OID.float4, 4, read, (buffer, value, offset) => buffer.writeFloatBE(value, offset));
}

/** `smallint[]`. */
export function int2Array<T>(rows: readonly T[], read: Read<T, number | null>): Buffer {
  return fixedWidth(rows, OID.int2, 2, read, (buffer, value, offset) => buffer.writeInt16BE(value, offset));
}

/** `bool[]`. */
export function boolArray<T>(rows: readonly T[], read: Read<T, boolean | null>): Buffer {
  return fixedWidth(
    rows,
    OID.bool,
    1,
    (row) => {
      const value = read(row);
      return value === null ? null : value ? 1 : 0;
    },
    (buffer, value, offset) => buffer.writeUInt8(value, offset),
  );
}

/** `timestamptz[]` from epoch milliseconds (whole milliseconds, as track points hold). */
export function timestamptzArray<T>(rows: readonly T[], read: Read<T, number | null>): Buffer {
  return fixedWidth(rows, OID.timestamptz, 8, read, (buffer, ms, offset) => {
    // An int64 written as two halves: microseconds stay exact in a double far beyond any real date.
    const micros = (ms - POSTGRES_EPOCH_MS) * 1000;
    const high = Math.floor(micros / TWO_TO_32);
    buffer.writeInt32BE(high, offset);
    buffer.writeUInt32BE(micros - high * TWO_TO_32, offset + 4);
  });
}

/** `text[]` of UTF-8 strings (none null). */
export function textArray<T>(rows: readonly T[], read: Read<T, string>): Buffer {
  let dataBytes = 0;
  for (const row of rows) dataBytes += 4 + Buffer.byteLength(read(row), 'utf8');
  const buffer = header(OID.text, rows.length, dataBytes, false);
  let offset = HEADER_BYTES;
  for (const row of rows) {
    const value = read(row);
    const length = buffer.write(value, offset + 4, 'utf8');
    buffer.writeInt32BE(length, offset);
    offset += 4 + length;
  }
  return buffer;
}
