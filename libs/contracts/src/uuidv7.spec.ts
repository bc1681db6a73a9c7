import { isUuidV7, uuidv7, uuidv7Timestamp } from './uuidv7';

describe(uuidv7.name, () => {
  it('produces RFC 9562 version 7 ids carrying the creation time', () => {
    const now = Date.UTC(2024, 6, 15, 8, 30);
    const id = uuidv7(now);
    expect(isUuidV7(id)).toBe(true);
    expect(uuidv7Timestamp(id)).toBe(now);
  });

  it('keeps ids strictly increasing when many are created in the same millisecond', () => {
    const now = Date.UTC(2030, 0, 1);
    const ids = Array.from({ length: 10_000 }, () => uuidv7(now));
    expect(ids.every(isUuidV7)).toBe(true);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('keeps ids increasing when the clock steps back', () => {
    const later = uuidv7(Date.UTC(2031, 0, 1, 0, 0, 1));
    const afterStepBack = uuidv7(Date.UTC(2031, 0, 1, 0, 0, 0));
    expect(afterStepBack > later).toBe(true);
  });

  it('orders ids from successive milliseconds by time', () => {
    const first = uuidv7(Date.UTC(2032, 0, 1, 0, 0, 0, 1));
    const second = uuidv7(Date.UTC(2032, 0, 1, 0, 0, 0, 2));
    expect(second > first).toBe(true);
    expect(uuidv7Timestamp(second) - uuidv7Timestamp(first)).toBe(1);
  });
});

describe(isUuidV7.name, () => {
  it('rejects other UUID versions and malformed strings', () => {
    expect(isUuidV7('0190d6a4-5c3e-4b1a-8f00-3c1d2e4f5a6b')).toBe(false);
    expect(isUuidV7('0190d6a4-5c3e-7b1a-cf00-3c1d2e4f5a6b')).toBe(false);
    expect(isUuidV7('not-a-uuid')).toBe(false);
  });
});
