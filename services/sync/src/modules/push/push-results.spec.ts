import { assertConsecutive, decidedResult, mutationHash } from './push-results';
import { PushErrorCode, PushException } from './push.exception';

const mutation = {
  entity: 'customer',
  entityId: '0190d6a1-1111-7111-8111-111111111111',
  op: 'update' as const,
  baseVersion: 3,
  base: { name: 'Kiosk', tags: ['a', 'b'], address: { street: 'Main', city: 'Berlin' } },
  changes: { name: 'Kiosk am Markt', tags: ['a'] },
};

describe('mutationHash', () => {
  it('is the same for the same payload in any key order', () => {
    const reordered = {
      changes: { tags: ['a'], name: 'Kiosk am Markt' },
      base: { address: { city: 'Berlin', street: 'Main' }, tags: ['a', 'b'], name: 'Kiosk' },
      baseVersion: 3,
      op: 'update' as const,
      entityId: mutation.entityId,
      entity: 'customer',
    };
    expect(mutationHash(reordered)).toBe(mutationHash(mutation));
  });

  it.each([
    ['another change', { changes: { name: 'Kiosk' } }],
    ['another base version', { baseVersion: 4 }],
    ['another op', { op: 'delete' as const }],
    ['another record', { entityId: '0190d6a1-1111-7111-8111-111111111112' }],
    ['another base', { base: { name: 'Kiosk' } }],
    ['array order', { changes: { name: 'Kiosk am Markt', tags: ['b', 'a'] } }],
  ])('differs for %s', (_label, override) => {
    expect(mutationHash({ ...mutation, ...override })).not.toBe(mutationHash(mutation));
  });
});

describe('assertConsecutive', () => {
  it('accepts ids ascending by one, and a single mutation', () => {
    expect(() => assertConsecutive([{ mutationId: 7 }, { mutationId: 8 }, { mutationId: 9 }])).not.toThrow();
    expect(() => assertConsecutive([{ mutationId: 1 }])).not.toThrow();
  });

  it.each([
    ['a hole', [5, 6, 8], 2],
    ['a repeat', [5, 5], 1],
    ['a step back', [5, 6, 4], 2],
  ])('refuses %s, naming the mutation', (_label, ids, index) => {
    let thrown: unknown;
    try {
      assertConsecutive(ids.map((mutationId) => ({ mutationId })));
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(PushException);
    expect((thrown as PushException).code).toBe(PushErrorCode.MutationsNotConsecutive);
    expect((thrown as PushException).errors).toEqual([{ field: `mutations.${index}.mutationId`, message: `must be ${ids[index - 1]! + 1}` }]);
  });
});

describe('decidedResult', () => {
  it('keeps only the members the decision has', () => {
    expect(decidedResult(4, { status: 'applied', version: 2 })).toEqual({ mutationId: 4, status: 'applied', version: 2 });
    expect(decidedResult(4, { status: 'merged', version: 3, conflicts: [], data: { name: 'x' } })).toEqual({
      mutationId: 4,
      status: 'merged',
      version: 3,
      data: { name: 'x' },
    });
  });
});
