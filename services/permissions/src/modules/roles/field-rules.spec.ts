import { BUILT_IN_ROLES } from '@fieldforce/contracts';
import { normaliseFieldRules } from './field-rules';

describe(normaliseFieldRules.name, () => {
  it('makes every unreadable field unwritable too, sorted and without duplicates', () => {
    expect(normaliseFieldRules({ customer: { unreadable: ['creditLimit'], unwritable: ['grade', 'grade'] } })).toEqual({
      customer: { unreadable: ['creditLimit'], unwritable: ['creditLimit', 'grade'] },
    });
  });

  it('leaves out resources without rules', () => {
    expect(normaliseFieldRules({ customer: { unreadable: [], unwritable: [] } })).toEqual({});
  });

  it('leaves the built-in roles as they are', () => {
    for (const role of Object.values(BUILT_IN_ROLES)) {
      expect(normaliseFieldRules(role.fieldRules)).toEqual(role.fieldRules);
    }
  });
});
