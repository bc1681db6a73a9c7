import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { Topics, uuidv7 } from '@fieldforce/contracts';
import { type CollectedRecord, KafkaTopicCollector, testKafka } from '@fieldforce/testing';
import { orgPathLabel } from '../src/common/org-path';
import { createTestTenant, type TestTenant } from './factories/tenant.factory';
import { ApiClient } from './support/api-client';
import { type PermissionsTestApp, startPermissionsApp } from './support/permissions-app';

interface EventRecord {
  type: string;
  subject: string;
  tenantid: string;
  data: Record<string, unknown> & { changedFields: string[] };
}

const parse = (record: CollectedRecord): EventRecord => JSON.parse(record.value) as EventRecord;

describe('permissions directory: org units, users, roles, audit', () => {
  let permissions: PermissionsTestApp;
  let app: NestFastifyApplication;
  let api: ApiClient;
  let dataSource: DataSource;
  let events: KafkaTopicCollector;
  let tenant: TestTenant;
  let admin: string;

  beforeAll(async () => {
    permissions = await startPermissionsApp();
    ({ app } = permissions);
    api = new ApiClient(app);
    dataSource = app.get(DataSource);
    const kafka = testKafka();
    events = await KafkaTopicCollector.start(
      kafka,
      ...[Topics.permissions.user, Topics.permissions.orgUnit, Topics.permissions.role].map((topic) => kafka.topicPrefix + topic),
    );
    tenant = await createTestTenant(app);
    ({ accessToken: admin } = await api.adminToken(tenant));
  });

  afterAll(async () => {
    await events?.stop();
    await permissions?.close();
  });

  /** The events of one aggregate, waiting until `count` have arrived. */
  const eventsOf = async (subject: string, count: number, type?: string): Promise<EventRecord[]> => {
    const records = await events.waitFor(
      (record) => record.key === subject && (type === undefined || parse(record).type === type),
      count,
    );
    return records.map(parse);
  };

  const count = async (table: string): Promise<number> => {
    const [row] = await dataSource.query<{ count: string }[]>(`SELECT count(*) FROM permissions.${table} WHERE tenant_id = $1`, [tenant.id]);
    return Number(row?.count);
  };

  const login = async (username: string, password: string): Promise<string> =>
    (await api.loginOk({ tenant: tenant.slug, username, password })).accessToken;

  describe('org units', () => {
    it('creates a unit under a parent with the parent path plus its own label, and reads it back with its ETag', async () => {
      const created = await api.request('POST', '/api/v1/org-units', { token: admin, body: { name: 'North', parentId: tenant.rootOrgUnitId } });

      expect(created.statusCode).toBe(201);
      const unit = created.json();
      expect(unit).toMatchObject({ name: 'North', parentId: tenant.rootOrgUnitId, version: 1, tenantId: tenant.id });
      expect(unit.path).toBe(`${tenant.rootPath}.${orgPathLabel(unit.id)}`);
      const read = await api.request('GET', `/api/v1/org-units/${unit.id}`, { token: admin });
      expect(read.statusCode).toBe(200);
      expect(read.headers.etag).toBe('"1"');
      expect(read.json()).toEqual(unit);
      const [event] = await eventsOf(unit.id, 1);
      expect(event).toMatchObject({ type: 'fieldforce.permissions.org-unit.created.v1', tenantid: tenant.id, data: { orgUnit: unit } });
    });

    it('moves a unit with its whole subtree: descendants and their users get the new paths, each with an event', async () => {
      const regionA = await api.createOrgUnit(admin, 'Region A', tenant.rootOrgUnitId);
      const regionB = await api.createOrgUnit(admin, 'Region B', tenant.rootOrgUnitId);
      const team = await api.createOrgUnit(admin, 'Team 1', regionA.id);
      const squad = await api.createOrgUnit(admin, 'Squad 1a', team.id);
      const teamRep = await api.createUser(admin, { username: `rep-${uuidv7()}`, password: 'password-1', orgUnitId: team.id, roles: ['rep'] });
      const squadRep = await api.createUser(admin, { username: `rep-${uuidv7()}`, password: 'password-1', orgUnitId: squad.id, roles: ['rep'] });
      const regionRep = await api.createUser(admin, { username: `rep-${uuidv7()}`, password: 'password-1', orgUnitId: regionA.id, roles: ['rep'] });

      const moved = await api.request('PATCH', `/api/v1/org-units/${team.id}`, { token: admin, body: { parentId: regionB.id } });

      expect(moved.statusCode).toBe(200);
      const newTeamPath = `${regionB.path}.${orgPathLabel(team.id)}`;
      const newSquadPath = `${newTeamPath}.${orgPathLabel(squad.id)}`;
      expect(moved.json()).toMatchObject({ parentId: regionB.id, path: newTeamPath, version: 2 });
      expect(moved.headers.etag).toBe('"2"');
      const squadNow = (await api.request('GET', `/api/v1/org-units/${squad.id}`, { token: admin })).json();
      expect(squadNow).toMatchObject({ parentId: team.id, path: newSquadPath, version: 2 });
      const user = async (id: string) => (await api.request('GET', `/api/v1/users/${id}`, { token: admin })).json();
      expect(await user(teamRep)).toMatchObject({ orgUnitId: team.id, orgPath: newTeamPath, version: 2 });
      expect(await user(squadRep)).toMatchObject({ orgUnitId: squad.id, orgPath: newSquadPath, version: 2 });
      expect(await user(regionRep)).toMatchObject({ orgPath: regionA.path, version: 1 });
      const subtree = (await api.request('GET', `/api/v1/org-units?under=${regionB.id}`, { token: admin })).json();
      expect(subtree.items.map((unit: { id: string }) => unit.id).sort()).toEqual([regionB.id, team.id, squad.id].sort());

      const [teamMoved] = await eventsOf(team.id, 1, 'fieldforce.permissions.org-unit.moved.v1');
      expect(teamMoved?.data).toMatchObject({ changedFields: ['parentId', 'path'], previousPath: team.path, orgUnit: { path: newTeamPath } });
      const [squadMoved] = await eventsOf(squad.id, 1, 'fieldforce.permissions.org-unit.moved.v1');
      expect(squadMoved?.data).toMatchObject({ changedFields: ['path'], previousPath: squad.path, orgUnit: { path: newSquadPath } });
      const [squadRepMoved] = await eventsOf(squadRep, 1, 'fieldforce.permissions.user.moved.v1');
      expect(squadRepMoved?.data).toMatchObject({ changedFields: ['orgPath'], previous: { orgPath: squad.path }, user: { orgPath: newSquadPath } });
      await eventsOf(teamRep, 1, 'fieldforce.permissions.user.moved.v1');
      expect(events.records.some((record) => record.key === regionRep && parse(record).type.endsWith('moved.v1'))).toBe(false);
    });

    it('refuses to move a unit under itself or its own descendant, and to move the root; nothing changes', async () => {
      const region = await api.createOrgUnit(admin, 'Region C', tenant.rootOrgUnitId);
      const team = await api.createOrgUnit(admin, 'Team C1', region.id);

      const underDescendant = await api.request('PATCH', `/api/v1/org-units/${region.id}`, { token: admin, body: { parentId: team.id } });
      const underItself = await api.request('PATCH', `/api/v1/org-units/${region.id}`, { token: admin, body: { parentId: region.id } });
      const root = await api.request('PATCH', `/api/v1/org-units/${tenant.rootOrgUnitId}`, { token: admin, body: { parentId: region.id } });

      for (const refused of [underDescendant, underItself]) {
        expect(refused.statusCode).toBe(422);
        expect(refused.json()).toMatchObject({ code: 'ORG_UNIT_MOVE_CYCLE', errors: [{ field: 'parentId' }] });
      }
      expect(root.statusCode).toBe(422);
      expect(root.json().code).toBe('ORG_UNIT_ROOT_IMMOVABLE');
      const regionNow = (await api.request('GET', `/api/v1/org-units/${region.id}`, { token: admin })).json();
      expect(regionNow).toMatchObject({ path: region.path, version: 1 });
    });

    it('renames a unit without touching its path, and honours If-Match', async () => {
      const unit = await api.createOrgUnit(admin, 'Old name', tenant.rootOrgUnitId);

      const stale = await api.request('PATCH', `/api/v1/org-units/${unit.id}`, { token: admin, body: { name: 'X' }, headers: { 'if-match': '"7"' } });
      const renamed = await api.request('PATCH', `/api/v1/org-units/${unit.id}`, { token: admin, body: { name: 'New name' }, headers: { 'if-match': '"1"' } });

      expect(stale.statusCode).toBe(412);
      expect(renamed.statusCode).toBe(200);
      expect(renamed.json()).toMatchObject({ name: 'New name', path: unit.path, version: 2 });
      const [updated] = await eventsOf(unit.id, 1, 'fieldforce.permissions.org-unit.updated.v1');
      expect(updated?.data.changedFields).toEqual(['name']);
    });
  });

  describe('users', () => {
    it('publishes role changes and moves with the previous values, and audits them with before and after', async () => {
      const team = await api.createOrgUnit(admin, 'Team U', tenant.rootOrgUnitId);
      const id = await api.createUser(admin, { username: `mara-${uuidv7()}`, password: 'password-1', orgUnitId: tenant.rootOrgUnitId, roles: ['rep'] });

      const promoted = await api.request('PATCH', `/api/v1/users/${id}`, { token: admin, body: { roles: ['supervisor'] } });
      const moved = await api.request('PATCH', `/api/v1/users/${id}`, { token: admin, body: { orgUnitId: team.id } });

      expect(promoted.statusCode).toBe(200);
      expect(moved.statusCode).toBe(200);
      expect(moved.json()).toMatchObject({ roles: ['supervisor'], orgUnitId: team.id, orgPath: team.path, version: 3 });
      const [created, rolesChanged, userMoved] = await eventsOf(id, 3);
      expect(created?.type).toBe('fieldforce.permissions.user.created.v1');
      expect(rolesChanged).toMatchObject({
        type: 'fieldforce.permissions.user.roles-changed.v1',
        data: { changedFields: ['roles'], previous: { roles: ['rep'] }, user: { roles: ['supervisor'], version: 2 } },
      });
      expect(userMoved).toMatchObject({
        type: 'fieldforce.permissions.user.moved.v1',
        data: { changedFields: ['orgUnitId', 'orgPath'], previous: { orgPath: tenant.rootPath }, user: { orgPath: team.path, version: 3 } },
      });
      for (const event of [created, rolesChanged, userMoved]) expect(JSON.stringify(event)).not.toMatch(/argon2|passwordHash|totpSecret/);

      const audit = await api.request('GET', `/api/v1/audit?entity=user&entityId=${id}`, { token: admin });
      expect(audit.statusCode).toBe(200);
      const entries = audit.json().items;
      expect(entries.map((entry: { action: string }) => entry.action)).toEqual(['moved', 'roles-changed', 'created']);
      expect(entries[1]).toMatchObject({
        actorId: tenant.admin.id,
        before: { roles: ['rep'], version: 1 },
        after: { roles: ['supervisor'], version: 2 },
        recordedAt: expect.any(String),
      });
      expect(entries[2]).toMatchObject({ before: null, after: { id } });
      expect(JSON.stringify(entries)).not.toMatch(/argon2|password/i);
    });

    it('deactivates a user: event published, login refused with the usual 401', async () => {
      const username = `leaver-${uuidv7()}`;
      const id = await api.createUser(admin, { username, password: 'password-1', orgUnitId: tenant.rootOrgUnitId, roles: ['rep'] });
      await login(username, 'password-1');

      const deactivated = await api.request('PATCH', `/api/v1/users/${id}`, { token: admin, body: { active: false } });

      expect(deactivated.json()).toMatchObject({ active: false });
      const [event] = await eventsOf(id, 1, 'fieldforce.permissions.user.deactivated.v1');
      expect(event?.data.changedFields).toEqual(['active']);
      const [live] = await dataSource.query<{ count: string }[]>(
        'SELECT count(*) FROM permissions.sessions WHERE user_id = $1 AND revoked_at IS NULL',
        [id],
      );
      expect(Number(live?.count)).toBe(0);
      const refused = await api.login({ tenant: tenant.slug, username, password: 'password-1' });
      expect(refused.statusCode).toBe(401);
      expect(refused.json().code).toBe('AUTH_INVALID_CREDENTIALS');
      const self = await api.request('PATCH', `/api/v1/users/${tenant.admin.id}`, { token: admin, body: { active: false } });
      expect(self.statusCode).toBe(422);
    });

    it('answers bad bodies with 400 problem+json naming each field, and writes nothing', async () => {
      const users = await count('users');
      const outboxOfTenant = () =>
        dataSource.query<{ count: string }[]>(`SELECT count(*) FROM permissions.outbox WHERE payload->>'tenantid' = $1`, [tenant.id]);
      const outbox = await outboxOfTenant();

      const response = await api.request('POST', '/api/v1/users', {
        token: admin,
        body: { username: 'Not Valid!', password: 'short', orgUnitId: 'nope', roles: [], extra: 1 },
      });

      expect(response.statusCode).toBe(400);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      const fields = (response.json().errors as { field: string }[]).map((error) => error.field);
      expect(fields).toEqual(expect.arrayContaining(['username', 'password', 'displayName', 'orgUnitId', 'roles', 'extra']));
      const unknownRole = await api.request('POST', '/api/v1/users', {
        token: admin,
        body: { username: `x-${uuidv7()}`, password: 'password-1', displayName: 'X', orgUnitId: tenant.rootOrgUnitId, roles: ['wizard'] },
      });
      expect(unknownRole.statusCode).toBe(422);
      expect(unknownRole.json()).toMatchObject({ code: 'USER_UNKNOWN_ROLES', errors: [{ field: 'roles' }] });
      const badRole = await api.request('PATCH', `/api/v1/roles/${uuidv7()}`, { token: admin, body: { scope: 'planet', name: 'renamed' } });
      expect(badRole.statusCode).toBe(400);
      expect(await count('users')).toBe(users);
      expect(await outboxOfTenant()).toEqual(outbox);
    });

    it("limits what a supervisor sees to their team's subtree, and keeps reps from listing users", async () => {
      const team = await api.createOrgUnit(admin, 'Team S', tenant.rootOrgUnitId);
      const otherTeam = await api.createOrgUnit(admin, 'Team T', tenant.rootOrgUnitId);
      const supervisorName = `sup-${uuidv7()}`;
      await api.createUser(admin, { username: supervisorName, password: 'password-1', orgUnitId: team.id, roles: ['supervisor'] });
      const squad = await api.createOrgUnit(admin, 'Squad S1', team.id);
      const mine = await api.createUser(admin, { username: `r1-${uuidv7()}`, password: 'password-1', orgUnitId: squad.id, roles: ['rep'] });
      const repName = `r2-${uuidv7()}`;
      const theirs = await api.createUser(admin, { username: repName, password: 'password-1', orgUnitId: otherTeam.id, roles: ['rep'] });
      const supervisor = await login(supervisorName, 'password-1');

      const listed = (await api.request('GET', '/api/v1/users?limit=200', { token: supervisor })).json();
      const ids = listed.items.map((user: { id: string }) => user.id);
      expect(ids).toContain(mine);
      expect(ids).not.toContain(theirs);
      expect(listed.items.every((user: { orgPath: string }) => user.orgPath.startsWith(team.path))).toBe(true);
      expect((await api.request('GET', `/api/v1/users/${theirs}`, { token: supervisor })).statusCode).toBe(404);
      const rep = await login(repName, 'password-1');
      const byRep = await api.request('GET', '/api/v1/users', { token: rep });
      expect(byRep.statusCode).toBe(403);
      expect(byRep.json().code).toBe('AUTH_ACTION_FORBIDDEN');
    });
  });

  describe('roles', () => {
    it('lets an admin edit a built-in role: role.updated carries the full policy and /me reflects it at once', async () => {
      const roles = (await api.request('GET', '/api/v1/roles', { token: admin })).json().items;
      expect(roles.map((role: { name: string }) => role.name)).toEqual(['rep', 'supervisor', 'regional_manager', 'admin']);
      const rep = roles.find((role: { name: string }) => role.name === 'rep');
      const username = `fr-${uuidv7()}`;
      await api.createUser(admin, { username, password: 'password-1', orgUnitId: tenant.rootOrgUnitId, roles: ['rep'] });
      const repToken = await login(username, 'password-1');
      expect((await api.request('GET', '/api/v1/me', { token: repToken })).json().fieldRules).toEqual({
        customer: { unreadable: ['creditLimit'], unwritable: ['creditLimit', 'grade', 'ownerId'] },
      });

      const fieldRules = { customer: { unreadable: [], unwritable: ['grade'] } };
      const updated = await api.request('PATCH', `/api/v1/roles/${rep.id}`, { token: admin, body: { fieldRules }, headers: { 'if-match': `"${rep.version}"` } });

      expect(updated.statusCode).toBe(200);
      expect(updated.json()).toMatchObject({ name: 'rep', builtIn: true, fieldRules, version: rep.version + 1 });
      const [event] = await eventsOf(rep.id, 1, 'fieldforce.permissions.role.updated.v1');
      expect(event?.data).toEqual({ role: updated.json(), changedFields: ['fieldRules'] });
      expect((await api.request('GET', '/api/v1/me', { token: repToken })).json().fieldRules).toEqual(fieldRules);
      // Built-in roles have no way out: there is no delete.
      expect((await api.request('DELETE', `/api/v1/roles/${rep.id}`, { token: admin })).statusCode).toBe(404);
      expect((await api.request('GET', `/api/v1/roles/${rep.id}`, { token: admin })).statusCode).toBe(200);
    });

    it('keeps role and user managers below themselves: no higher rank, no actions they lack', async () => {
      const manager = await api.request('POST', '/api/v1/roles', {
        token: admin,
        body: { name: 'people_manager', rank: 40, scope: 'all', actions: ['role:manage', 'user:manage', 'user:read', 'customer:read'] },
      });
      expect(manager.statusCode).toBe(201);
      const username = `pm-${uuidv7()}`;
      await api.createUser(admin, { username, password: 'password-1', orgUnitId: tenant.rootOrgUnitId, roles: ['people_manager'] });
      const token = await login(username, 'password-1');

      const higher = await api.request('POST', '/api/v1/roles', { token, body: { name: 'boss', rank: 60, scope: 'all', actions: [] } });
      const wider = await api.request('POST', '/api/v1/roles', { token, body: { name: 'root', rank: 10, scope: 'all', actions: ['*'] } });
      const grantAdmin = await api.request('POST', '/api/v1/users', {
        token,
        body: { username: `a-${uuidv7()}`, password: 'password-1', displayName: 'A', orgUnitId: tenant.rootOrgUnitId, roles: ['admin'] },
      });
      const allowed = await api.request('POST', '/api/v1/roles', { token, body: { name: 'viewer', rank: 5, scope: 'own', actions: ['customer:read'] } });

      expect(higher.statusCode).toBe(403);
      expect(wider.statusCode).toBe(403);
      expect(grantAdmin.statusCode).toBe(403);
      expect(grantAdmin.json().code).toBe('USER_BEYOND_CALLER_RIGHTS');
      expect(allowed.statusCode).toBe(201);
      expect((await api.request('PATCH', `/api/v1/users/${tenant.admin.id}`, { token, body: { displayName: 'x' } })).statusCode).toBe(403);
    });

    it('refuses a second role with a taken name', async () => {
      const response = await api.request('POST', '/api/v1/roles', { token: admin, body: { name: 'rep', rank: 1, scope: 'own', actions: [] } });
      expect(response.statusCode).toBe(409);
      expect(response.json()).toMatchObject({ code: 'ROLE_NAME_TAKEN', errors: [{ field: 'name' }] });
    });
  });

  describe('tenants', () => {
    it("never shows or changes another tenant's records, even by id: 404 as for ids that do not exist", async () => {
      const other = await createTestTenant(app);
      const { accessToken: otherAdmin } = await api.adminToken(other);
      const userId = await api.createUser(admin, { username: `t-${uuidv7()}`, password: 'password-1', orgUnitId: tenant.rootOrgUnitId, roles: ['rep'] });
      const role = (await api.request('GET', '/api/v1/roles', { token: admin })).json().items[0];

      const reads = await Promise.all([
        api.request('GET', `/api/v1/users/${userId}`, { token: otherAdmin }),
        api.request('GET', `/api/v1/org-units/${tenant.rootOrgUnitId}`, { token: otherAdmin }),
        api.request('GET', `/api/v1/roles/${role.id}`, { token: otherAdmin }),
        api.request('PATCH', `/api/v1/users/${userId}`, { token: otherAdmin, body: { displayName: 'Hijacked' } }),
        api.request('PATCH', `/api/v1/roles/${role.id}`, { token: otherAdmin, body: { rank: 1 } }),
        api.request('POST', `/api/v1/users/${userId}/revoke-sessions`, { token: otherAdmin }),
      ]);
      const unknown = await api.request('GET', `/api/v1/users/${uuidv7()}`, { token: otherAdmin });

      for (const response of reads) expect(response.statusCode).toBe(404);
      expect(reads[0].json().code).toBe(unknown.json().code);
      const intoOtherTree = await api.request('POST', '/api/v1/users', {
        token: otherAdmin,
        body: { username: `x-${uuidv7()}`, password: 'password-1', displayName: 'X', orgUnitId: tenant.rootOrgUnitId, roles: ['rep'] },
      });
      expect(intoOtherTree.statusCode).toBe(422);
      const otherList = (await api.request('GET', '/api/v1/users?limit=200', { token: otherAdmin })).json();
      expect(otherList.items.every((user: { tenantId: string }) => user.tenantId === other.id)).toBe(true);
      expect((await api.request('GET', `/api/v1/audit?entityId=${userId}`, { token: otherAdmin })).json().items).toEqual([]);
      expect((await api.request('GET', `/api/v1/users/${userId}`, { token: admin })).json().displayName).not.toBe('Hijacked');
    });
  });

  describe('audit', () => {
    it('pages newest first with a cursor, caps the page size, and is for auditors only', async () => {
      const first = await api.request('GET', '/api/v1/audit?limit=2', { token: admin });
      const page = first.json();
      expect(page.items).toHaveLength(2);
      expect(page.nextCursor).toEqual(expect.any(String));
      const second = (await api.request('GET', `/api/v1/audit?limit=2&cursor=${page.nextCursor}`, { token: admin })).json();
      expect(second.items[0].id < page.items[1].id).toBe(true);
      expect((await api.request('GET', '/api/v1/audit?limit=5000', { token: admin })).statusCode).toBe(400);
      expect((await api.request('GET', '/api/v1/audit?cursor=garbage', { token: admin })).statusCode).toBe(400);

      const username = `aud-${uuidv7()}`;
      await api.createUser(admin, { username, password: 'password-1', orgUnitId: tenant.rootOrgUnitId, roles: ['supervisor'] });
      const supervisor = await login(username, 'password-1');
      expect((await api.request('GET', '/api/v1/audit', { token: supervisor })).statusCode).toBe(403);
    });
  });
});
