import { randomFillSync } from 'node:crypto';

// RFC 9562 §6.2 method 1: a 42-bit counter (12 bits of rand_a + 30 bits of rand_b) seeded
// randomly each millisecond and incremented within it, so ids from one process sort in
// creation order even when many are made in the same millisecond.
const COUNTER_BITS = 42n;
const COUNTER_MAX = (1n << COUNTER_BITS) - 1n;
const entropy = Buffer.alloc(10);
let lastMillis = -1;
let counter = 0n;

function seedCounter(): bigint {
  randomFillSync(entropy, 0, 6);
  // Leftmost counter bit starts at zero, leaving room for 2^41 increments in one millisecond.
  return BigInt(entropy.readUIntBE(0, 6)) & (COUNTER_MAX >> 1n);
}

/** A new UUIDv7 (time-ordered); monotonic within this process, also inside one millisecond. */
export function uuidv7(now: number = Date.now()): string {
  if (now > lastMillis) {
    lastMillis = now;
    counter = seedCounter();
  } else {
    // Same millisecond, or the clock stepped back: keep counting from the last timestamp.
    counter += 1n;
    if (counter > COUNTER_MAX) {
      lastMillis += 1;
      counter = seedCounter();
    }
  }
  randomFillSync(entropy, 6, 4);
  const bytes = Buffer.alloc(16);
  bytes.writeUIntBE(lastMillis, 0, 6);
  const randA = Number(counter >> 30n); // upper 12 bits of the counter
  const randBHigh = Number(counter & 0x3fffffffn); // lower 30 bits of the counter
  bytes.writeUInt16BE(0x7000 | randA, 6);
  bytes.writeUInt32BE(((0b10 << 30) | randBHigh) >>> 0, 8);
  entropy.copy(bytes, 12, 6, 10);
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const UUID_V7_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** True when the string is a lowercase UUID of version 7 with the RFC 9562 variant. */
export function isUuidV7(value: string): boolean {
  return UUID_V7_PATTERN.test(value);
}

/** The Unix time in milliseconds encoded in a UUIDv7. */
export function uuidv7Timestamp(id: string): number {
  return parseInt(id.replace(/-/g, '').slice(0, 12), 16);
}
