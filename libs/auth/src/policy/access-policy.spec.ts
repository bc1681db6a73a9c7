import { AuthErrorCode, AuthException } from '../errors/auth.exception';
import { AccessPolicy } from './access-policy';
import { BUILT_IN_ROLE_POLICIES } from './built-in-role-policies';

const { rep, supervisor, admin } = BUILT_IN_ROLE_POLICIES;

function thrownBy(run: () => void): AuthException {
  try {
    run();
  } catch (error) {
    if (error instanceof AuthException) return error;
    throw error;
  }
  throw new Error('expected an AuthException');
}

describe(AccessPolicy.name, () => {
  const customer = {
    id: 'c-1',
    name: 'Corner Pharmacy',
    grade: 'A',
    creditLimit: 25000,
    contacts: [{ name: 'Mara', phone: '+49 30 1', email: 'mara@example.com' }],
  };

  describe('maskReadable', () => {
    it('removes the fields a rep may not read and leaves the original untouched', () => {
      const masked = new AccessPolicy([rep]).maskReadable('customer', customer);

      expect(masked).toEqual({ id: 'c-1', name: 'Corner Pharmacy', grade: 'A', contacts: customer.contacts });
      expect(masked).not.toHaveProperty('creditLimit');
      expect(customer.creditLimit).toBe(25000);
      expect(masked.contacts).not.toBe(customer.contacts);
    });

    it('masks every record of a list', () => {
      const masked = new AccessPolicy([rep]).maskReadable('customer', [customer, { ...customer, id: 'c-2' }]);

      expect(masked.map((record) => Object.keys(record).includes('creditLimit'))).toEqual([false, false]);
    });

    it('removes nested fields inside arrays by their dotted path', () => {
      const policy = new AccessPolicy([
        { ...rep, fieldRules: { customer: { unreadable: ['contacts.phone'], unwritable: [] } } },
      ]);

      expect(policy.maskReadable('customer', customer).contacts).toEqual([{ name: 'Mara', email: 'mara@example.com' }]);
    });

    it('lets a supervisor read what a rep may not, also when the user has both roles', () => {
      expect(new AccessPolicy([supervisor]).maskReadable('customer', customer)).toEqual(customer);
      expect(new AccessPolicy([rep, supervisor]).maskReadable('customer', customer)).toEqual(customer);
    });

    it('leaves resources without rules as they are', () => {
      expect(new AccessPolicy([rep]).maskReadable('visit', { id: 'v-1', notes: 'x' })).toEqual({ id: 'v-1', notes: 'x' });
    });
  });

  describe('assertWritable', () => {
    it('names every non-writable field the change sets, as a 403 with field errors', () => {
      const error = thrownBy(() =>
        new AccessPolicy([rep]).assertWritable('customer', { name: 'New', grade: 'B', creditLimit: 1, ownerId: 'u-2' }),
      );

      expect(error.code).toBe(AuthErrorCode.FieldsNotWritable);
      expect(error.errors?.map((e) => e.field).sort()).toEqual(['creditLimit', 'grade', 'ownerId']);
    });

    it('accepts a change that leaves the non-writable fields out or undefined', () => {
      expect(() => new AccessPolicy([rep]).assertWritable('customer', { name: 'New', grade: undefined })).not.toThrow();
    });

    it('counts setting a field to null as writing it', () => {
      expect(new AccessPolicy([rep]).unwritableFieldsIn('customer', { creditLimit: null })).toEqual(['creditLimit']);
    });

    it('accepts a non-writable field set to exactly its default', () => {
      const defaults = { grade: 'D', ownerId: 'rep-1' };
      const policy = new AccessPolicy([rep]);

      expect(policy.unwritableFieldsIn('customer', { grade: 'D', ownerId: 'rep-1' }, { defaults })).toEqual([]);
      expect(policy.unwritableFieldsIn('customer', { grade: 'A', ownerId: 'rep-1' }, { defaults })).toEqual(['grade']);
    });

    it('lets an admin write everything', () => {
      expect(() => new AccessPolicy([admin]).assertWritable('customer', { grade: 'A', creditLimit: 9 })).not.toThrow();
    });
  });

  describe('actions', () => {
    it('grants the actions of any role and refuses the others with a 403', () => {
      const policy = new AccessPolicy([rep]);

      expect(policy.can('customer:update')).toBe(true);
      expect(policy.can('customer:delete')).toBe(false);
      expect(thrownBy(() => policy.assertCan('customer:delete')).code).toBe(AuthErrorCode.ActionForbidden);
      expect(new AccessPolicy([admin]).can('role:manage')).toBe(true);
    });

    it('grants nothing to a user whose roles the service does not know', () => {
      const policy = new AccessPolicy([]);

      expect(policy.can('customer:read')).toBe(false);
      expect(policy.effective.scope).toBe('own');
    });
  });

  it('reports the effective field rules as a copy', () => {
    const policy = new AccessPolicy([rep]);
    const rules = policy.effectiveRules();
    rules.customer?.unreadable.push('name');

    expect(policy.effectiveRules()).toEqual({
      customer: { unreadable: ['creditLimit'], unwritable: ['creditLimit', 'grade', 'ownerId'] },
    });
  });
});
