import { AccessPolicy, BUILT_IN_ROLE_POLICIES, type RoleRules } from '@fieldforce/auth';
import { DELETED_FIELD, type FieldConflict } from '@fieldforce/merge';
import { readableConflicts } from './customer-writes';

const conflict = (field: string, server: unknown, client: unknown): FieldConflict => ({
  field,
  base: server,
  server,
  client,
  winner: 'server',
  rule: 'rank',
  serverRank: 20,
  clientRank: 10,
});

describe(readableConflicts.name, () => {
  it('blanks the values of a field the user may not read, and keeps the others and the existence conflict', () => {
    const rep = new AccessPolicy([BUILT_IN_ROLE_POLICIES.rep]);
    const masked = readableConflicts(rep, [conflict('creditLimit', 5000, 100), conflict('address', 'A', 'B'), conflict(DELETED_FIELD, true, false)]);

    expect(masked.map(({ field, base, server, client }) => ({ field, base, server, client }))).toEqual([
      { field: 'creditLimit', base: null, server: null, client: null },
      { field: 'address', base: 'A', server: 'A', client: 'B' },
      { field: DELETED_FIELD, base: true, server: true, client: false },
    ]);
    expect(masked[0]).toMatchObject({ winner: 'server', rule: 'rank', serverRank: 20, clientRank: 10 });
  });

  it('removes an unreadable nested member inside a readable field', () => {
    const noPhones: RoleRules = { ...BUILT_IN_ROLE_POLICIES.rep, name: 'no_phones', fieldRules: { customer: { unreadable: ['contacts.phone'], unwritable: [] } } };
    const [masked] = readableConflicts(new AccessPolicy([noPhones]), [
      conflict('contacts', [{ name: 'Mara', phone: '+49 30 1' }], [{ name: 'Mara', phone: '+49 30 2' }]),
    ]);

    expect(masked).toMatchObject({ server: [{ name: 'Mara' }], client: [{ name: 'Mara' }] });
    expect(JSON.stringify(masked)).not.toContain('+49');
  });
});
