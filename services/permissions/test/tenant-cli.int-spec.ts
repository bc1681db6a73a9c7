import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { verify } from 'argon2';
import { type DataSource } from 'typeorm';
import { createTestDataSource, type TestDatabase } from '@fieldforce/testing';
import { migratedDatabase } from './support/permissions-app';

const ROOT = path.resolve(__dirname, '../../..');

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command-line entry point the way `npm run` does, against the scratch database. */
function runCli(script: string, args: string[], env: Record<string, string>): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', '@swc-node/register', path.join(ROOT, script), ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('tenant:create and seed:demo', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let env: Record<string, string>;

  beforeAll(async () => {
    database = await migratedDatabase('permissions-cli');
    dataSource = await createTestDataSource('permissions', { url: database.serviceUrl('permissions') });
    env = { DATABASE_URL: database.serviceUrl('permissions') };
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  const tenantRows = (slug: string) => dataSource.query<{ id: string }[]>('SELECT id FROM permissions.tenants WHERE slug = $1', [slug]);

  it('creates the tenant with its root org unit, the built-in roles and an administrator, each change published and audited', async () => {
    const slug = `acme-${randomBytes(3).toString('hex')}`;
    const run = await runCli('tools/tenant-create.ts', ['--slug', slug, '--admin', 'Boss', '--name', 'Acme Field Sales'], {
      ...env,
      TENANT_ADMIN_PASSWORD: 'a-strong-password',
    });

    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`tenant ${slug} created`);
    const [tenant] = await tenantRows(slug);
    const tenantId = tenant!.id;
    const units = await dataSource.query('SELECT name, parent_id, path::text AS path FROM permissions.org_units WHERE tenant_id = $1', [tenantId]);
    expect(units).toEqual([{ name: 'Acme Field Sales', parent_id: null, path: expect.stringMatching(/^u[0-9a-f]{32}$/) }]);
    const roles = await dataSource.query(
      'SELECT name, rank, scope, requires_totp, built_in FROM permissions.roles WHERE tenant_id = $1 ORDER BY rank',
      [tenantId],
    );
    expect(roles).toEqual([
      { name: 'rep', rank: 10, scope: 'own', requires_totp: false, built_in: true },
      { name: 'supervisor', rank: 20, scope: 'team', requires_totp: false, built_in: true },
      { name: 'regional_manager', rank: 30, scope: 'region', requires_totp: false, built_in: true },
      { name: 'admin', rank: 100, scope: 'all', requires_totp: true, built_in: true },
    ]);
    const [admin] = await dataSource.query(
      'SELECT username, roles, org_path::text AS org_path, password_hash, active FROM permissions.users WHERE tenant_id = $1',
      [tenantId],
    );
    expect(admin).toMatchObject({ username: 'boss', roles: ['admin'], org_path: units[0].path, active: true });
    expect(admin.password_hash).toMatch(/^\$argon2id\$/);
    expect(await verify(admin.password_hash, 'a-strong-password')).toBe(true);
    const events = await dataSource.query(
      `SELECT event_type, count(*)::int AS count FROM permissions.outbox WHERE payload->>'tenantid' = $1 GROUP BY 1 ORDER BY 1`,
      [tenantId],
    );
    expect(events).toEqual([
      { event_type: 'fieldforce.permissions.org-unit.created.v1', count: 1 },
      { event_type: 'fieldforce.permissions.role.created.v1', count: 4 },
      { event_type: 'fieldforce.permissions.user.created.v1', count: 1 },
    ]);
    const audit = await dataSource.query('SELECT DISTINCT actor_id FROM permissions.audit_log WHERE tenant_id = $1', [tenantId]);
    expect(audit).toEqual([{ actor_id: null }]);

    const again = await runCli('tools/tenant-create.ts', ['--slug', slug, '--admin', 'other'], { ...env, TENANT_ADMIN_PASSWORD: 'another-password' });
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`tenant ${slug} exists already`);
    const users = await dataSource.query('SELECT username FROM permissions.users WHERE tenant_id = $1', [tenantId]);
    expect(users).toEqual([{ username: 'boss' }]);
  });

  it('refuses bad arguments and a missing password without a terminal, creating nothing', async () => {
    const slug = `bad-${randomBytes(3).toString('hex')}`;
    const password = { ...env, TENANT_ADMIN_PASSWORD: 'a-strong-password' };
    const [noAdmin, badSlug, noPassword, shortPassword] = await Promise.all([
      runCli('tools/tenant-create.ts', ['--slug', slug], password),
      runCli('tools/tenant-create.ts', ['--slug', 'Not_A_Slug', '--admin', 'boss'], password),
      runCli('tools/tenant-create.ts', ['--slug', slug, '--admin', 'boss'], env),
      runCli('tools/tenant-create.ts', ['--slug', slug, '--admin', 'boss'], { ...env, TENANT_ADMIN_PASSWORD: 'short' }),
    ]);

    expect(noAdmin).toMatchObject({ code: 1, stderr: expect.stringContaining('usage: npm run tenant:create') });
    expect(badSlug).toMatchObject({ code: 1, stderr: expect.stringContaining('--slug must be') });
    expect(noPassword).toMatchObject({ code: 1, stderr: expect.stringContaining('TENANT_ADMIN_PASSWORD') });
    expect(shortPassword).toMatchObject({ code: 1, stderr: expect.stringContaining('password must be') });
    expect(await tenantRows(slug)).toEqual([]);
  });

  it('seeds the demo tenant once: a second seed changes nothing', async () => {
    const seedEnv = { ...env, DEMO_ADMIN_PASSWORD: 'demo-password-for-test' };
    const first = await runCli('services/permissions/src/cli/seed-demo.ts', [], seedEnv);
    const second = await runCli('services/permissions/src/cli/seed-demo.ts', [], seedEnv);

    expect(first).toMatchObject({ code: 0, stdout: expect.stringContaining('tenant demo created') });
    expect(second).toMatchObject({ code: 0, stdout: expect.stringContaining('tenant demo exists') });
    const [demo] = await tenantRows('demo');
    const counts = await dataSource.query(
      `SELECT (SELECT count(*)::int FROM permissions.roles WHERE tenant_id = $1) AS roles,
              (SELECT count(*)::int FROM permissions.users WHERE tenant_id = $1) AS users,
              (SELECT count(*)::int FROM permissions.org_units WHERE tenant_id = $1) AS units`,
      [demo!.id],
    );
    expect(counts).toEqual([{ roles: 4, users: 1, units: 1 }]);
    const [admin] = await dataSource.query('SELECT username, password_hash FROM permissions.users WHERE tenant_id = $1', [demo!.id]);
    expect(admin.username).toBe('admin');
    expect(await verify(admin.password_hash, 'demo-password-for-test')).toBe(true);
  });
});
