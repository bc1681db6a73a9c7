import { changedFields, DELETED_FIELD, type FieldStamps, isMergePolicy, type MergeInput, stamp, threeWayMerge } from './three-way-merge';

const REP = 10;
const SUPERVISOR = 20;

/** A customer at version 5 on the server; the device's copy was taken at version 3. */
function input(overrides: Partial<MergeInput>): MergeInput {
  return {
    baseVersion: 3,
    base: { name: 'Kiosk', phone: '111', grade: 'B', [DELETED_FIELD]: false },
    changes: {},
    server: { name: 'Kiosk', phone: '111', grade: 'B', [DELETED_FIELD]: false },
    stamps: { name: { version: 1, rank: REP }, phone: { version: 2, rank: REP }, grade: { version: 3, rank: SUPERVISOR } },
    clientRank: REP,
    ...overrides,
  };
}

describe(threeWayMerge.name, () => {
  it('applies a field changed only on the device', () => {
    const result = threeWayMerge(input({ changes: { phone: '222' } }));

    expect(result).toEqual({ apply: { phone: '222' }, conflicts: [], accepted: true });
  });

  it('keeps a field changed only on the server (the device did not send it)', () => {
    const result = threeWayMerge(
      input({
        changes: { phone: '222' },
        server: { name: 'Kiosk 24/7', phone: '111', grade: 'B', [DELETED_FIELD]: false },
        stamps: { name: { version: 5, rank: SUPERVISOR }, phone: { version: 2, rank: REP } },
      }),
    );

    expect(result).toEqual({ apply: { phone: '222' }, conflicts: [], accepted: true });
  });

  it('sees no conflict when both sides changed a field to the same value', () => {
    const result = threeWayMerge(
      input({
        changes: { phone: '222', address: { city: 'Lyon', street: 'Rue 1' } },
        server: { name: 'Kiosk', phone: '222', address: { street: 'Rue 1', city: 'Lyon' }, [DELETED_FIELD]: false },
        stamps: { phone: { version: 4, rank: SUPERVISOR }, address: { version: 5, rank: SUPERVISOR } },
      }),
    );

    expect(result).toEqual({ apply: {}, conflicts: [], accepted: true });
  });

  describe('a real conflict under the rank policy', () => {
    const conflicting = (clientRank: number, serverRank: number): MergeInput =>
      input({
        changes: { phone: 'client' },
        server: { name: 'Kiosk', phone: 'server', [DELETED_FIELD]: false },
        stamps: { phone: { version: 4, rank: serverRank } },
        clientRank,
      });

    it("keeps a supervisor's server edit against a rep's offline edit, and records why", () => {
      const result = threeWayMerge(conflicting(REP, SUPERVISOR));

      expect(result.apply).toEqual({});
      expect(result.accepted).toBe(true);
      expect(result.conflicts).toEqual([
        { field: 'phone', base: '111', server: 'server', client: 'client', winner: 'server', rule: 'rank', serverRank: SUPERVISOR, clientRank: REP },
      ]);
    });

    it("applies a supervisor's offline edit over a rep's server edit", () => {
      const result = threeWayMerge(conflicting(SUPERVISOR, REP));

      expect(result.apply).toEqual({ phone: 'client' });
      expect(result.conflicts).toMatchObject([{ field: 'phone', winner: 'client', rule: 'rank' }]);
    });

    it('lets the later arrival win between equal ranks', () => {
      const result = threeWayMerge(conflicting(REP, REP));

      expect(result.apply).toEqual({ phone: 'client' });
      expect(result.conflicts).toMatchObject([{ field: 'phone', winner: 'client', rule: 'arrival-order' }]);
    });

    it('follows the server-wins and client-wins policies whatever the ranks', () => {
      expect(threeWayMerge({ ...conflicting(SUPERVISOR, REP), policy: 'server-wins' })).toMatchObject({
        apply: {},
        conflicts: [{ winner: 'server', rule: 'server-wins' }],
      });
      expect(threeWayMerge({ ...conflicting(REP, SUPERVISOR), policy: 'client-wins' })).toMatchObject({
        apply: { phone: 'client' },
        conflicts: [{ winner: 'client', rule: 'client-wins' }],
      });
    });
  });

  it('decides each field on its own: a lost field does not stop the others', () => {
    const result = threeWayMerge(
      input({
        changes: { phone: 'client', grade: 'A', name: 'Kiosk Nord' },
        server: { name: 'Kiosk', phone: 'server', grade: 'B', [DELETED_FIELD]: false },
        stamps: { phone: { version: 4, rank: SUPERVISOR }, grade: { version: 2, rank: SUPERVISOR } },
      }),
    );

    expect(result.apply).toEqual({ grade: 'A', name: 'Kiosk Nord' });
    expect(result.conflicts.map((conflict) => conflict.field)).toEqual(['phone']);
  });

  it('gives the same result whatever the order of the fields in the request', () => {
    const server = { a: 1, b: 2, c: 3, [DELETED_FIELD]: false };
    const stamps: FieldStamps = { a: { version: 4, rank: SUPERVISOR }, b: { version: 5, rank: REP }, c: { version: 1, rank: REP } };
    const forward = threeWayMerge(input({ server, stamps, changes: { a: 9, b: 9, c: 9 } }));
    const backward = threeWayMerge(input({ server, stamps, changes: { c: 9, b: 9, a: 9 } }));

    expect(backward).toEqual(forward);
    expect(Object.keys(forward.apply)).toEqual(['b', 'c']);
  });

  describe('delete versus edit', () => {
    it('refuses a rep\'s offline delete of a record a supervisor edited since the base', () => {
      const result = threeWayMerge(
        input({
          changes: { [DELETED_FIELD]: true },
          server: { name: 'Kiosk 24/7', [DELETED_FIELD]: false },
          stamps: { name: { version: 4, rank: SUPERVISOR }, phone: { version: 5, rank: REP } },
        }),
      );

      expect(result.accepted).toBe(false);
      expect(result.apply).toEqual({});
      // The delete competed with the strongest server change since the base: the supervisor's.
      expect(result.conflicts).toEqual([
        { field: DELETED_FIELD, base: false, server: false, client: true, winner: 'server', rule: 'rank', serverRank: SUPERVISOR, clientRank: REP },
      ]);
    });

    it("applies a supervisor's offline delete of a record a rep edited since the base", () => {
      const result = threeWayMerge(
        input({
          changes: { [DELETED_FIELD]: true },
          server: { name: 'Kiosk 24/7', [DELETED_FIELD]: false },
          stamps: { name: { version: 4, rank: REP } },
          clientRank: SUPERVISOR,
        }),
      );

      expect(result).toMatchObject({ apply: { [DELETED_FIELD]: true }, accepted: true, conflicts: [{ winner: 'client' }] });
    });

    it('applies a delete without conflict when nothing changed on the server since the base', () => {
      expect(threeWayMerge(input({ changes: { [DELETED_FIELD]: true } }))).toEqual({
        apply: { [DELETED_FIELD]: true },
        conflicts: [],
        accepted: true,
      });
    });

    it("drops every field of a rep's offline edit of a record a supervisor deleted since the base", () => {
      const result = threeWayMerge(
        input({
          changes: { phone: '222', [DELETED_FIELD]: false },
          server: { name: 'Kiosk', phone: '111', [DELETED_FIELD]: true },
          stamps: { [DELETED_FIELD]: { version: 4, rank: SUPERVISOR } },
        }),
      );

      expect(result).toEqual({
        apply: {},
        accepted: false,
        conflicts: [
          { field: DELETED_FIELD, base: false, server: true, client: false, winner: 'server', rule: 'rank', serverRank: SUPERVISOR, clientRank: REP },
        ],
      });
    });

    it("restores and edits a record a rep deleted when a supervisor's offline edit arrives", () => {
      const result = threeWayMerge(
        input({
          changes: { phone: '222', [DELETED_FIELD]: false },
          server: { name: 'Kiosk', phone: '111', [DELETED_FIELD]: true },
          stamps: { [DELETED_FIELD]: { version: 4, rank: REP } },
          clientRank: SUPERVISOR,
        }),
      );

      expect(result.accepted).toBe(true);
      expect(result.apply).toEqual({ [DELETED_FIELD]: false, phone: '222' });
    });
  });

  it('treats a create of an existing id as an update from version 0: every stamped server field competes', () => {
    const result = threeWayMerge(
      input({
        baseVersion: 0,
        base: {},
        changes: { name: 'Mine', phone: '111' },
        stamps: { name: { version: 1, rank: REP }, phone: { version: 1, rank: REP } },
        clientRank: REP,
      }),
    );

    // The phone is the same on both sides; the name conflicts and the later arrival wins among equals.
    expect(result.apply).toEqual({ name: 'Mine' });
    expect(result.conflicts).toMatchObject([{ field: 'name', base: null, server: 'Kiosk', client: 'Mine', rule: 'arrival-order' }]);
  });
});

describe(stamp.name, () => {
  it('stamps the written fields with the version and rank, leaving the others', () => {
    const before: FieldStamps = { name: { version: 1, rank: REP }, phone: { version: 2, rank: REP } };

    const after = stamp(before, ['phone', 'grade'], 7, SUPERVISOR);

    expect(after).toEqual({ name: { version: 1, rank: REP }, phone: { version: 7, rank: SUPERVISOR }, grade: { version: 7, rank: SUPERVISOR } });
    expect(before.phone).toEqual({ version: 2, rank: REP });
  });
});

describe(changedFields.name, () => {
  it('lists the fields whose values differ structurally', () => {
    const before = { name: 'Kiosk', tags: ['a', 'b'], address: { city: 'Lyon', zip: undefined }, since: new Date('2026-01-01T00:00:00Z') };
    const after = { name: 'Kiosk', tags: ['b', 'a'], address: { city: 'Lyon' }, since: new Date('2026-01-01T00:00:00.000Z') };

    expect(changedFields(before, after, ['name', 'tags', 'address', 'since', 'missing'])).toEqual(['tags']);
  });
});

describe(isMergePolicy.name, () => {
  it('accepts only the known policies', () => {
    expect(['rank', 'server-wins', 'client-wins', 'newest', 1, null].map(isMergePolicy)).toEqual([true, true, true, false, false, false]);
  });
});
