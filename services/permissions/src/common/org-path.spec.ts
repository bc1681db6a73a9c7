import { childOrgPath, orgPathLabel, rebaseOrgPath } from './org-path';

describe(orgPathLabel.name, () => {
  it('makes an ltree label of the unit id', () => {
    expect(orgPathLabel('0190D6A2-2222-7222-8222-222222222222')).toBe('u0190d6a2222272228222222222222222');
    expect(orgPathLabel('0190d6a2-2222-7222-8222-222222222222')).toMatch(/^[A-Za-z0-9_]+$/);
  });
});

describe(childOrgPath.name, () => {
  it('appends the label to the parent path, or stands alone for a root', () => {
    const id = '0190d6a2-2222-7222-8222-222222222222';
    expect(childOrgPath(null, id)).toBe(orgPathLabel(id));
    expect(childOrgPath('ua.ub', id)).toBe(`ua.ub.${orgPathLabel(id)}`);
  });
});

describe(rebaseOrgPath.name, () => {
  it('replaces the moved prefix and keeps the rest of the path', () => {
    expect(rebaseOrgPath('ua.ub.uc', 'ua.ub', 'ua.ux.ub')).toBe('ua.ux.ub.uc');
    expect(rebaseOrgPath('ua.ub', 'ua.ub', 'ux.ub')).toBe('ux.ub');
  });

  it('refuses a path outside the moved subtree', () => {
    expect(() => rebaseOrgPath('ua.ubc', 'ua.ub', 'ux.ub')).toThrow(/does not lie under/);
  });
});
