import { SnakeNamingStrategy, snakeCase } from './snake-naming.strategy';

describe(SnakeNamingStrategy.name, () => {
  const naming = new SnakeNamingStrategy();

  it.each([
    ['tenantId', 'tenant_id'],
    ['VisitTask', 'visit_task'],
    ['HTTPServer', 'http_server'],
    ['addressLine2', 'address_line2'],
    ['orgPath', 'org_path'],
    ['already_snake', 'already_snake'],
  ])('snake-cases %s as %s', (input, expected) => {
    expect(snakeCase(input)).toBe(expected);
  });

  it('names tables after the class unless the entity names it', () => {
    expect(naming.tableName('VisitTask', undefined)).toBe('visit_task');
    expect(naming.tableName('VisitTask', 'visit_tasks')).toBe('visit_tasks');
  });

  it('prefixes embedded columns and keeps explicit column names', () => {
    expect(naming.columnName('createdAt', undefined, [])).toBe('created_at');
    expect(naming.columnName('lat', undefined, ['geoPoint'])).toBe('geo_point_lat');
    expect(naming.columnName('createdAt', 'made_at', [])).toBe('made_at');
  });

  it('names join columns and join tables in snake_case', () => {
    expect(naming.joinColumnName('ownerUser', 'id')).toBe('owner_user_id');
    expect(naming.joinTableName('role', 'permission', 'grantedPermissions', 'roles')).toBe(
      'role_granted_permissions_permission',
    );
    expect(naming.joinTableColumnName('role', 'id')).toBe('role_id');
  });

  it('names constraints the way Postgres does by default', () => {
    expect(naming.primaryKeyName('customers.customer')).toBe('customer_pkey');
    expect(naming.indexName('customer', ['tenant_id'])).toBe('customer_tenant_id_idx');
    expect(naming.uniqueConstraintName('customer', ['tenant_id', 'external_id'])).toBe(
      'customer_tenant_id_external_id_key',
    );
    expect(naming.foreignKeyName('contact', ['customer_id'])).toBe('contact_customer_id_fkey');
  });

  it('tells partial indexes on the same columns apart by their predicate', () => {
    const live = naming.indexName('customer', ['tenant_id'], 'deleted_at IS NULL');
    const gone = naming.indexName('customer', ['tenant_id'], 'deleted_at IS NOT NULL');
    expect(live).not.toBe(gone);
    expect(live).toMatch(/^customer_tenant_id_[0-9a-f]{8}_idx$/);
  });

  it('keeps long names within the 63 characters Postgres allows, and distinct', () => {
    const table = 'visit_template_required_step_form_field';
    const first = naming.indexName(table, ['tenant_id', 'template_id', 'step_position', 'field_a']);
    const second = naming.indexName(table, ['tenant_id', 'template_id', 'step_position', 'field_b']);
    expect(first.length).toBeLessThanOrEqual(63);
    expect(first).toMatch(/_idx$/);
    expect(first).not.toBe(second);
  });
});
