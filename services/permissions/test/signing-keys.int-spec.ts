import { decodeProtectedHeader } from 'jose';
import { uuidv7 } from '@fieldforce/contracts';
import { SigningKeysService } from '../src/modules/signing-keys/signing-keys.service';
import { createTestTenant, type TestTenant } from './factories/tenant.factory';
import { ApiClient } from './support/api-client';
import { type PermissionsTestApp, startPermissionsApp } from './support/permissions-app';

describe(`${SigningKeysService.name} (rotation on command)`, () => {
  let permissions: PermissionsTestApp;
  let api: ApiClient;
  let tenant: TestTenant;
  let adminToken: string;

  beforeAll(async () => {
    // A database of its own: withdrawing keys invalidates every token signed before.
    permissions = await startPermissionsApp({ ownDatabase: 'permissions-keys' });
    api = new ApiClient(permissions.app);
    tenant = await createTestTenant(permissions.app);
    ({ accessToken: adminToken } = await api.adminToken(tenant));
  });

  afterAll(async () => {
    await permissions?.close();
  });

  async function newRep(): Promise<{ username: string; password: string }> {
    const username = `rep-${uuidv7().slice(-12)}`;
    const password = `pw-${uuidv7()}`;
    await api.createUser(adminToken, { username, password, orgUnitId: tenant.rootOrgUnitId, roles: ['rep'] });
    return { username, password };
  }

  const meStatus = async (token: string): Promise<number> => (await api.request('GET', '/api/v1/me', { token })).statusCode;

    it('rotates at once on command: the previous key stays published, or is withdrawn and its tokens stop verifying', async () => {
      const keys = permissions.app.get(SigningKeysService);
      const rep = await newRep();
      const login = () => api.loginOk({ tenant: tenant.slug, username: rep.username, password: rep.password });
      const published = async (): Promise<string[]> =>
        (await api.request('GET', '/.well-known/jwks.json')).json().keys.map((key: { kid: string }) => key.kid);
      const first = await login();
      const firstKid = decodeProtectedHeader(first.accessToken).kid!;

      const routine = await keys.rotateNow({ withdrawPrevious: false });
      const second = await login();

      expect(routine).toEqual({ kid: expect.any(String), withdrawn: [] });
      expect(decodeProtectedHeader(second.accessToken).kid).toBe(routine.kid);
      expect(await published()).toEqual(expect.arrayContaining([firstKid, routine.kid]));
      expect(await meStatus(first.accessToken)).toBe(200);

      const leak = await keys.rotateNow({ withdrawPrevious: true });
      const third = await login();

      expect(leak.withdrawn).toEqual(expect.arrayContaining([firstKid, routine.kid]));
      expect(await published()).toEqual([leak.kid]);
      expect(decodeProtectedHeader(third.accessToken).kid).toBe(leak.kid);
      expect(await meStatus(first.accessToken)).toBe(401);
      expect(await meStatus(second.accessToken)).toBe(401);
      expect(await meStatus(third.accessToken)).toBe(200);
    });
});
