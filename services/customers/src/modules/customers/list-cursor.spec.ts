import { CommonException } from '@fieldforce/platform';
import { decodeCursor, encodeCursor, filtersKey } from './list-cursor';

const ID = '0190d6a4-5c3e-7b1a-8f00-3c1d2e4f5a6b';

describe(decodeCursor.name, () => {
  const key = filtersKey({ grades: ['A'], near: { lat: 52.5, lng: 13.4 } });

  it('gives back the position an encoded cursor carries, distances exactly', () => {
    const distanceM = 1234.5678901234567;
    expect(decodeCursor(encodeCursor({ id: ID, distanceM }, key), key)).toEqual({ id: ID, distanceM });
    expect(decodeCursor(encodeCursor({ id: ID }, key), key)).toEqual({ id: ID });
  });

  it('refuses a cursor made for other filters', () => {
    const other = filtersKey({ grades: ['B'], near: { lat: 52.5, lng: 13.4 } });
    const refusal = (() => {
      try {
        decodeCursor(encodeCursor({ id: ID }, other), key);
      } catch (error) {
        return error as CommonException;
      }
      throw new Error('expected a refusal');
    })();
    expect(refusal.errors).toEqual([{ field: 'cursor', message: expect.stringMatching(/other filters/) }]);
  });

  it('refuses garbage and forged positions with a validation problem', () => {
    const forged = (p: unknown) => Buffer.from(JSON.stringify({ p, f: key })).toString('base64url');
    for (const cursor of ['not-a-cursor', forged({ id: "x' OR 1=1" }), forged({ id: ID, distanceM: 'far' }), forged(null)]) {
      expect(() => decodeCursor(cursor, key)).toThrow(CommonException);
    }
  });
});

describe(filtersKey.name, () => {
  it('does not depend on the order the filters were given in', () => {
    expect(filtersKey({ a: 1, b: [1, 2] })).toBe(filtersKey({ b: [1, 2], a: 1 }));
    expect(filtersKey({ a: 1 })).not.toBe(filtersKey({ a: 2 }));
  });
});
