import { RoleException } from './roles.exception';
import { assertWithinGrantorRights, type Grantor } from './roles.service';

const grantor = (rank: number, actions: string[]): Grantor => ({ tenantId: 't', userId: 'u', requestId: null, policy: { rank, actions } });

describe(assertWithinGrantorRights.name, () => {
  it('allows a role at or below the grantor rank with actions the grantor holds', () => {
    expect(() => assertWithinGrantorRights(grantor(40, ['customer:*', 'user:read']), 40, ['customer:read', 'customer:*', 'user:read'])).not.toThrow();
    expect(() => assertWithinGrantorRights(grantor(100, ['*']), 100, ['*'])).not.toThrow();
  });

  it('refuses a rank above the grantor', () => {
    expect(() => assertWithinGrantorRights(grantor(40, ['*']), 41, [])).toThrow(RoleException);
  });

  it('refuses actions the grantor lacks, wildcards included', () => {
    expect(() => assertWithinGrantorRights(grantor(40, ['customer:read']), 10, ['customer:update'])).toThrow(/customer:update/);
    expect(() => assertWithinGrantorRights(grantor(40, ['customer:read']), 10, ['customer:*'])).toThrow(/customer:\*/);
    expect(() => assertWithinGrantorRights(grantor(40, ['customer:*']), 10, ['*'])).toThrow(RoleException);
  });
});
