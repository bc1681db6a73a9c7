/** Thrown when a frame does not decode: the broker answers by closing that one connection. */
export class MalformedFrameError extends Error {
  override readonly name = 'MalformedFrameError';
}

/** Reads Kafka wire primitives (big-endian) from one frame, with bounds checks on every read. */
export class Reader {
  private position = 0;

  constructor(private readonly buffer: Buffer) {}

  get remaining(): number {
    return this.buffer.length - this.position;
  }

  private take(length: number, what: string): number {
    if (length < 0 || this.position + length > this.buffer.length) {
      throw new MalformedFrameError(
        `frame too short: ${what} needs ${length} bytes at offset ${this.position}, ${this.remaining} left`,
      );
    }
    const start = this.position;
    this.position += length;
    return start;
  }

  int8(): number {
    return this.buffer.readInt8(this.take(1, 'int8'));
  }

  int16(): number {
    return this.buffer.readInt16BE(this.take(2, 'int16'));
  }

  int32(): number {
    return this.buffer.readInt32BE(this.take(4, 'int32'));
  }

  /** Offsets, timestamps and producer ids stay far below 2^53, so a number keeps them exact. */
  int64(): number {
    return Number(this.buffer.readBigInt64BE(this.take(8, 'int64')));
  }

  boolean(): boolean {
    return this.int8() !== 0;
  }

  nullableString(): string | null {
    const length = this.int16();
    if (length === -1) return null;
    const start = this.take(length, 'string');
    return this.buffer.toString('utf8', start, start + length);
  }

  nullableBytes(): Buffer | null {
    const length = this.int32();
    if (length === -1) return null;
    const start = this.take(length, 'bytes');
    return this.buffer.subarray(start, start + length);
  }

  /** Reads an array length and rejects lengths the remaining bytes cannot possibly hold. */
  arrayLength(minElementBytes: number): number {
    const length = this.int32();
    if (length < -1 || length * minElementBytes > this.remaining) {
      throw new MalformedFrameError(`array length ${length} does not fit the ${this.remaining} bytes left`);
    }
    return length;
  }

  /** Fails when bytes are left over: a body longer than its schema is malformed. */
  expectEnd(what: string): void {
    if (this.remaining !== 0) {
      throw new MalformedFrameError(`${this.remaining} unexpected trailing bytes after ${what}`);
    }
  }
}

const SMALL_CHUNK = 4096;

/**
 * Writes Kafka wire primitives into a list of chunks. Large buffers (record batches) are kept
 * as their own chunks instead of being copied, so a fetch response costs no extra copy.
 */
export class Writer {
  private readonly chunks: Buffer[] = [];
  private current = Buffer.allocUnsafe(SMALL_CHUNK);
  private position = 0;

  private ensure(length: number): void {
    if (this.position + length <= this.current.length) return;
    this.flushCurrent();
    this.current = Buffer.allocUnsafe(Math.max(SMALL_CHUNK, length));
  }

  private flushCurrent(): void {
    if (this.position === 0) return;
    this.chunks.push(this.current.subarray(0, this.position));
    this.current = this.current.subarray(this.position);
    this.position = 0;
  }

  int8(value: number): this {
    this.ensure(1);
    this.current.writeInt8(value, this.position);
    this.position += 1;
    return this;
  }

  int16(value: number): this {
    this.ensure(2);
    this.current.writeInt16BE(value, this.position);
    this.position += 2;
    return this;
  }

  int32(value: number): this {
    this.ensure(4);
    this.current.writeInt32BE(value, this.position);
    this.position += 4;
    return this;
  }

  int64(value: number): this {
    this.ensure(8);
    this.current.writeBigInt64BE(BigInt(value), this.position);
    this.position += 8;
    return this;
  }

  boolean(value: boolean): this {
    return this.int8(value ? 1 : 0);
  }

  nullableString(value: string | null): this {
    if (value === null) return this.int16(-1);
    const length = Buffer.byteLength(value, 'utf8');
    this.int16(length);
    this.ensure(length);
    this.current.write(value, this.position, length, 'utf8');
    this.position += length;
    return this;
  }

  nullableBytes(value: Buffer | null): this {
    if (value === null) return this.int32(-1);
    this.int32(value.length);
    return this.raw(value);
  }

  /** Appends bytes as they are; big ones become their own chunk rather than being copied. */
  raw(value: Buffer): this {
    if (value.length >= SMALL_CHUNK) {
      this.flushCurrent();
      this.chunks.push(value);
      return this;
    }
    this.ensure(value.length);
    value.copy(this.current, this.position);
    this.position += value.length;
    return this;
  }

  /** The written bytes as chunks, in order. */
  toChunks(): Buffer[] {
    this.flushCurrent();
    return this.chunks.slice();
  }

  toBuffer(): Buffer {
    return Buffer.concat(this.toChunks());
  }
}
