import { dataScopeCondition, isInScope, type ScopeSubject } from './data-scope';

const tenantId = 't-1';
const user = (scope: ScopeSubject['scope'], orgPath = 'emea.de_north'): ScopeSubject => ({ userId: 'u-1', tenantId, orgPath, scope });

describe(dataScopeCondition.name, () => {
  it('limits scope all to the tenant', () => {
    expect(dataScopeCondition(user('all'), { alias: 'c' })).toEqual({
      sql: '"c"."tenant_id" = :scopeTenantId',
      parameters: { scopeTenantId: tenantId },
    });
  });

  it('limits scope own to the records the user owns', () => {
    expect(dataScopeCondition(user('own'))).toEqual({
      sql: '("tenant_id" = :scopeTenantId AND "owner_id" = :scopeUserId)',
      parameters: { scopeTenantId: tenantId, scopeUserId: 'u-1' },
    });
  });

  it('compares text org paths at a label boundary, escaping the LIKE wildcard _', () => {
    const condition = dataScopeCondition(user('team'), { alias: 'c' });

    expect(condition.sql).toBe(
      '("c"."tenant_id" = :scopeTenantId AND ("c"."owner_id" = :scopeUserId OR ("c"."org_path" = :scopeOrgPath OR "c"."org_path" LIKE :scopeOrgPathLike)))',
    );
    expect(condition.parameters).toMatchObject({ scopeOrgPath: 'emea.de_north', scopeOrgPathLike: 'emea.de\\_north.%' });
  });

  it('uses the ltree operator, custom columns and a parameter prefix on request', () => {
    const condition = dataScopeCondition(user('region'), {
      alias: 't',
      orgPathType: 'ltree',
      columns: { ownerId: 'assignee_id', orgPath: 'unit_path' },
      parameterPrefix: 'task',
    });

    expect(condition.sql).toBe(
      '("t"."tenant_id" = :taskTenantId AND ("t"."assignee_id" = :taskUserId OR "t"."unit_path" <@ CAST(:taskOrgPath AS ltree)))',
    );
  });

  it('reaches only owned records when the org path is not ltree-compatible', () => {
    expect(dataScopeCondition(user('team', "x' OR 1=1")).sql).toBe('("tenant_id" = :scopeTenantId AND "owner_id" = :scopeUserId)');
  });

  it('refuses identifiers that could inject SQL', () => {
    expect(() => dataScopeCondition(user('all'), { alias: 'c"; DROP TABLE x; --' })).toThrow(/Invalid SQL identifier/);
  });
});

describe(isInScope.name, () => {
  const record = (orgPath: string | null, ownerId: string | null = 'u-9', recordTenant = tenantId) => ({
    tenantId: recordTenant,
    ownerId,
    orgPath,
  });

  it('never reaches another tenant, not even with scope all', () => {
    expect(isInScope(user('all'), record('emea.de_north', 'u-1', 't-2'))).toBe(false);
    expect(isInScope(user('all'), record(null))).toBe(true);
  });

  it('reaches only owned records with scope own', () => {
    expect(isInScope(user('own'), record('emea.de_north', 'u-1'))).toBe(true);
    expect(isInScope(user('own'), record('emea.de_north'))).toBe(false);
  });

  it('reaches the unit, its descendants and owned records with team and region, not siblings', () => {
    expect(isInScope(user('team'), record('emea.de_north'))).toBe(true);
    expect(isInScope(user('region'), record('emea.de_north.berlin'))).toBe(true);
    expect(isInScope(user('team'), record('emea.de_northeast'))).toBe(false);
    expect(isInScope(user('team'), record('emea'))).toBe(false);
    expect(isInScope(user('team'), record(null))).toBe(false);
    expect(isInScope(user('team'), record('apac', 'u-1'))).toBe(true);
  });
});
