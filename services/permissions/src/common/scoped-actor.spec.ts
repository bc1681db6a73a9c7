import { type DataScope } from '@fieldforce/contracts';
import { scopeReaches } from './scoped-actor';

const actor = (scope: DataScope) => ({ orgPath: 'ua.ub', policy: { scope, rank: 0, actions: [] } });

describe(scopeReaches.name, () => {
  it('reaches the whole tenant with scope all', () => {
    expect(scopeReaches(actor('all'), 'ux.uy')).toBe(true);
  });

  it('reaches the own unit and what lies under it with team and region', () => {
    for (const scope of ['team', 'region'] as const) {
      expect(scopeReaches(actor(scope), 'ua.ub')).toBe(true);
      expect(scopeReaches(actor(scope), 'ua.ub.uc')).toBe(true);
      expect(scopeReaches(actor(scope), 'ua')).toBe(false);
      expect(scopeReaches(actor(scope), 'ua.ubc')).toBe(false);
    }
  });

  it('reaches no org unit with scope own', () => {
    expect(scopeReaches(actor('own'), 'ua.ub')).toBe(false);
  });
});
