import { DataSource } from 'typeorm';
import { BUILT_IN_ROLES } from '@fieldforce/contracts';
import { BuiltInRolesReviewCheckIns1795650000001 } from '../src/database/migrations/1795650000001-BuiltInRolesReviewCheckIns';
import { createTestTenant, type TestTenant } from './factories/tenant.factory';
import { type PermissionsTestApp, startPermissionsApp } from './support/permissions-app';

interface RoleRow {
  id: string;
  name: string;
  actions: string[];
  version: number;
}

describe(BuiltInRolesReviewCheckIns1795650000001.name, () => {
  let service: PermissionsTestApp;
  let dataSource: DataSource;
  let tenant: TestTenant;

  const roles = (): Promise<RoleRow[]> =>
    dataSource.query(`SELECT id, name, actions, version FROM permissions.roles WHERE tenant_id = $1 AND built_in ORDER BY name`, [tenant.id]);
  const role = async (name: string): Promise<RoleRow> => (await roles()).find((row) => row.name === name)!;
  const migrate = async (): Promise<void> => {
    const runner = dataSource.createQueryRunner();
    await runner.startTransaction();
    try {
      await new BuiltInRolesReviewCheckIns1795650000001().up(runner);
      await runner.commitTransaction();
    } finally {
      await runner.release();
    }
  };

  beforeAll(async () => {
    service = await startPermissionsApp();
    dataSource = service.app.get(DataSource);
    tenant = await createTestTenant(service.app);
    // The tenant as created before the built-ins granted the review: supervisors without it, and a
    // regional manager role the tenant had already widened to every check-in action.
    await dataSource.query(
      `UPDATE permissions.roles SET actions = array_remove(actions, 'checkin:review') WHERE tenant_id = $1 AND name = 'supervisor'`,
      [tenant.id],
    );
    await dataSource.query(
      `UPDATE permissions.roles SET actions = array_append(array_remove(actions, 'checkin:review'), 'checkin:*')
       WHERE tenant_id = $1 AND name = 'regional_manager'`,
      [tenant.id],
    );
  });

  afterAll(async () => {
    await service?.close();
  });

  it('is what new tenants get: the built-in supervisor and regional manager review check-ins', () => {
    expect(BUILT_IN_ROLES.supervisor.actions).toContain('checkin:review');
    expect(BUILT_IN_ROLES.regional_manager.actions).toContain('checkin:review');
    expect(BUILT_IN_ROLES.rep.actions).not.toContain('checkin:review');
  });

  it("grants the review to an existing tenant's supervisors, announced by role.updated and audited; roles that already grant it stay", async () => {
    const before = await roles();

    await migrate();

    const supervisor = await role('supervisor');
    const previous = before.find((row) => row.name === 'supervisor')!;
    expect(supervisor.actions).toEqual([...previous.actions, 'checkin:review']);
    expect(supervisor.version).toBe(previous.version + 1);
    for (const untouched of before.filter((row) => row.name !== 'supervisor')) {
      expect(await role(untouched.name)).toEqual(untouched);
    }

    const events = await dataSource.query<{ event_type: string; payload: { data: { role: { actions: string[]; version: number } } } }[]>(
      `SELECT event_type, payload FROM permissions.outbox WHERE message_key = $1 AND event_type = 'fieldforce.permissions.role.updated.v1'`,
      [supervisor.id],
    );
    expect(events).toHaveLength(1);
    expect(events[0]!.payload.data.role).toMatchObject({ actions: supervisor.actions, version: supervisor.version });
    const audit = await dataSource.query<{ before: { actions: string[] }; after: { actions: string[] } }[]>(
      `SELECT before, after FROM permissions.audit_log WHERE entity = 'role' AND entity_id = $1 AND action = 'updated'`,
      [supervisor.id],
    );
    expect(audit).toHaveLength(1);
    expect(audit[0]!.before.actions).toEqual(previous.actions);
    expect(audit[0]!.after.actions).toEqual(supervisor.actions);
  });

  it('changes and publishes nothing when run again', async () => {
    const before = await roles();
    const outboxOfTenant = `SELECT count(*) FROM permissions.outbox WHERE payload->>'tenantid' = $1`;
    const [outbox] = await dataSource.query<{ count: string }[]>(outboxOfTenant, [tenant.id]);
    expect(Number(outbox!.count)).toBeGreaterThan(0);

    await migrate();

    expect(await roles()).toEqual(before);
    const [after] = await dataSource.query<{ count: string }[]>(outboxOfTenant, [tenant.id]);
    expect(after!.count).toBe(outbox!.count);
  });
});
