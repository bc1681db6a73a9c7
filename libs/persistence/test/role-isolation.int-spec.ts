import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { SCHEMA_SERVICES, roleDatabaseUrl, serviceDataSourceOptions, servicePassword, serviceRole } from '../src';
import { runAdminUrl, withClient } from './scratch-database';

// Against the run's database exactly as db:setup left it (global setup ran the real tool).
describe('service role isolation', () => {
  const adminUrl = runAdminUrl();
  const roleUrl = (service: (typeof SCHEMA_SERVICES)[number]): string =>
    roleDatabaseUrl(adminUrl, service, servicePassword(service));
  const permissionsTable = `isolation_probe_${randomBytes(4).toString('hex')}`;

  beforeAll(async () => {
    await withClient(roleUrl('permissions'), async (permissions) => {
      await permissions.query(`CREATE TABLE permissions.${permissionsTable} (id int PRIMARY KEY, secret text)`);
      await permissions.query(`INSERT INTO permissions.${permissionsTable} VALUES (1, 'owned by permissions')`);
    });
  });

  afterAll(async () => {
    await withClient(roleUrl('permissions'), (permissions) =>
      permissions.query(`DROP TABLE IF EXISTS permissions.${permissionsTable}`),
    );
  });

  const deniedAsCustomers = async (sql: string): Promise<void> => {
    await withClient(roleUrl('customers'), async (customers) => {
      await expect(customers.query(sql)).rejects.toMatchObject({ code: '42501' });
    });
  };

  it("cannot read another service's table", async () => {
    await deniedAsCustomers(`SELECT * FROM permissions.${permissionsTable}`);
  });

  it("cannot write another service's table", async () => {
    await deniedAsCustomers(`INSERT INTO permissions.${permissionsTable} VALUES (2, 'forged')`);
    await deniedAsCustomers(`UPDATE permissions.${permissionsTable} SET secret = 'forged'`);
    await deniedAsCustomers(`DELETE FROM permissions.${permissionsTable}`);
  });

  it("cannot create objects in another service's schema, in public, or new schemas", async () => {
    await deniedAsCustomers('CREATE TABLE permissions.intruder (id int)');
    await deniedAsCustomers('CREATE TABLE public.intruder (id int)');
    await deniedAsCustomers('CREATE SCHEMA intruder');
  });

  it("cannot take on another service's role", async () => {
    await deniedAsCustomers('SET ROLE fieldforce_permissions');
  });

  it('gets the same denial through the TypeORM DataSource the service uses', async () => {
    const dataSource = await new DataSource(
      serviceDataSourceOptions({ service: 'customers', url: roleUrl('customers'), poolSize: 1 }),
    ).initialize();
    try {
      const [session] = await dataSource.query('SELECT current_user, current_schemas(false)::text[] AS schemas');
      expect(session).toEqual({ current_user: 'fieldforce_customers', schemas: ['customers', 'public'] });
      await expect(dataSource.query(`SELECT * FROM permissions.${permissionsTable}`)).rejects.toMatchObject({
        driverError: expect.objectContaining({ code: '42501' }),
      });
      // Unqualified names land in the service's own schema.
      const table = `own_${randomBytes(4).toString('hex')}`;
      await dataSource.query(`CREATE TABLE ${table} (id int)`);
      const [where] = await dataSource.query('SELECT schemaname, tableowner FROM pg_tables WHERE tablename = $1', [table]);
      expect(where).toEqual({ schemaname: 'customers', tableowner: 'fieldforce_customers' });
      await dataSource.query(`DROP TABLE ${table}`);
    } finally {
      await dataSource.destroy();
    }
  });

  it('has one schema per service, owned by its role, which is no superuser and cannot create roles or databases', async () => {
    await withClient(adminUrl, async (admin) => {
      const { rows: schemas } = await admin.query(
        `SELECT n.nspname AS schema, r.rolname AS owner FROM pg_namespace n JOIN pg_roles r ON r.oid = n.nspowner
          WHERE n.nspname = ANY($1) ORDER BY n.nspname`,
        [[...SCHEMA_SERVICES]],
      );
      expect(schemas).toEqual(
        [...SCHEMA_SERVICES].sort().map((service) => ({ schema: service, owner: serviceRole(service) })),
      );
      const { rows: roles } = await admin.query(
        `SELECT rolname, rolsuper, rolcreatedb, rolcreaterole, rolbypassrls, rolcanlogin
           FROM pg_roles WHERE rolname = ANY($1)`,
        [SCHEMA_SERVICES.map(serviceRole)],
      );
      expect(roles).toHaveLength(SCHEMA_SERVICES.length);
      for (const role of roles) {
        expect(role).toMatchObject({
          rolsuper: false,
          rolcreatedb: false,
          rolcreaterole: false,
          rolbypassrls: false,
          rolcanlogin: true,
        });
      }
    });
  });
});
