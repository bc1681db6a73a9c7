import { randomBytes } from 'node:crypto';
import { SCHEMA_SERVICES, serviceRole, setupDatabase } from '../src';
import { dropDatabase, scratchDatabaseUrl, withClient } from './scratch-database';

describe(setupDatabase.name, () => {
  const firstUrl = scratchDatabaseUrl('setup_a');
  const secondUrl = scratchDatabaseUrl('setup_b');

  afterAll(async () => {
    await dropDatabase(firstUrl);
    await dropDatabase(secondUrl);
  });

  it('sets up fresh databases when several runs race, creating each database once', async () => {
    const results = await Promise.all([
      setupDatabase({ adminUrl: firstUrl }),
      setupDatabase({ adminUrl: firstUrl }),
      setupDatabase({ adminUrl: secondUrl }),
      setupDatabase({ adminUrl: firstUrl }),
    ]);
    expect(results.map((result) => result.created)).toEqual(
      expect.arrayContaining([true, false, false, true]),
    );
    expect(results.filter((result) => result.created)).toHaveLength(2);
  });

  it('leaves the same state when run again', async () => {
    const before = await privilegeSnapshot(firstUrl);
    const again = await setupDatabase({ adminUrl: firstUrl });
    expect(again.created).toBe(false);
    expect(await privilegeSnapshot(firstUrl)).toEqual(before);
  });

  it('installs the shared extensions in public, PostGIS only when the server offers it', async () => {
    const { postgis } = await setupDatabase({ adminUrl: firstUrl });
    await withClient(firstUrl, async (admin) => {
      const { rows } = await admin.query(
        `SELECT e.extname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
          WHERE n.nspname = 'public' ORDER BY e.extname`,
      );
      const { rowCount } = await admin.query("SELECT 1 FROM pg_available_extensions WHERE name = 'postgis'");
      expect(postgis).toBe(rowCount === 1);
      expect(rows.map((row) => row.extname)).toEqual(
        expect.arrayContaining(['btree_gist', 'ltree', 'pg_trgm', ...(postgis ? ['postgis'] : [])]),
      );
    });
  });

  it('grants each role only CONNECT on the database and USAGE on public', async () => {
    const snapshot = await privilegeSnapshot(firstUrl);
    for (const service of SCHEMA_SERVICES) {
      expect(snapshot[serviceRole(service)]).toEqual({
        connect: true,
        createInDatabase: false,
        temporary: false,
        createInPublic: false,
        usePublic: true,
        ownSchema: true,
        otherSchemas: false,
      });
    }
  });

  it('takes back a grant on another service\'s schema that someone made by hand', async () => {
    const table = `drift_${randomBytes(3).toString('hex')}`;
    await withClient(firstUrl, async (admin) => {
      await admin.query(`CREATE TABLE permissions.${table} (id int)`);
      await admin.query(`ALTER TABLE permissions.${table} OWNER TO fieldforce_permissions`);
      await admin.query('GRANT USAGE ON SCHEMA permissions TO fieldforce_customers');
      await admin.query(`GRANT SELECT ON permissions.${table} TO fieldforce_customers`);
    });
    await setupDatabase({ adminUrl: firstUrl });
    await withClient(firstUrl, async (admin) => {
      const { rows } = await admin.query(
        `SELECT has_schema_privilege('fieldforce_customers', 'permissions', 'USAGE') AS usage,
                has_table_privilege('fieldforce_customers', $1, 'SELECT') AS select`,
        [`permissions.${table}`],
      );
      expect(rows[0]).toEqual({ usage: false, select: false });
    });
  });
});

type PrivilegeSnapshot = Record<string, Record<string, boolean>>;

async function privilegeSnapshot(adminUrl: string): Promise<PrivilegeSnapshot> {
  return withClient(adminUrl, async (admin) => {
    const snapshot: PrivilegeSnapshot = {};
    for (const service of SCHEMA_SERVICES) {
      const role = serviceRole(service);
      const others = SCHEMA_SERVICES.filter((other) => other !== service);
      const { rows } = await admin.query(
        `SELECT has_database_privilege($1, current_database(), 'CONNECT') AS connect,
                has_database_privilege($1, current_database(), 'CREATE') AS "createInDatabase",
                has_database_privilege($1, current_database(), 'TEMPORARY') AS temporary,
                has_schema_privilege($1, 'public', 'CREATE') AS "createInPublic",
                has_schema_privilege($1, 'public', 'USAGE') AS "usePublic",
                (SELECT pg_get_userbyid(nspowner) = $1 FROM pg_namespace WHERE nspname = $2) AS "ownSchema",
                (SELECT bool_or(has_schema_privilege($1, s, 'USAGE') OR has_schema_privilege($1, s, 'CREATE'))
                   FROM unnest($3::text[]) AS s) AS "otherSchemas"`,
        [role, service, others],
      );
      snapshot[role] = rows[0];
    }
    return snapshot;
  });
}
