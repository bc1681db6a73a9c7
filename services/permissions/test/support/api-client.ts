import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { type TestTenant, randomIp, totpCode } from '../factories/tenant.factory';

type InjectResponse = Awaited<ReturnType<NestFastifyApplication['inject']>>;
type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/** Tokens of a login, as the login endpoint answers them. */
export interface LoginTokens {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  totpEnrolmentRequired: boolean;
  user: { id: string; orgPath: string; roles: string[] };
}

/** Calls the app the way a client does: JSON bodies, bearer tokens, a client IP. */
export class ApiClient {
  constructor(private readonly app: NestFastifyApplication) {}

  request(
    method: Method,
    url: string,
    options: { token?: string; body?: unknown; ip?: string; headers?: Record<string, string> } = {},
  ): Promise<InjectResponse> {
    return this.app.inject({
      method,
      url,
      remoteAddress: options.ip ?? '127.0.0.1',
      headers: { ...(options.token ? { authorization: `Bearer ${options.token}` } : {}), ...options.headers },
      ...(options.body === undefined ? {} : { payload: options.body as Record<string, unknown> }),
    });
  }

  login(body: { tenant: string; username: string; password: string; totp?: string; deviceId?: string }, ip = randomIp()): Promise<InjectResponse> {
    return this.request('POST', '/api/v1/auth/login', { body: { deviceId: 'test-device', ...body }, ip });
  }

  /** Logs in and fails the test unless the login succeeded. */
  async loginOk(body: { tenant: string; username: string; password: string; totp?: string }): Promise<LoginTokens> {
    const response = await this.login(body);
    if (response.statusCode !== 200) throw new Error(`login of ${body.username} answered ${response.statusCode}: ${response.body}`);
    return response.json<LoginTokens>();
  }

  /**
   * The tenant administrator's unrestricted token: the first login is password-only (the admin
   * role requires TOTP), so enrol, then log in again with a code of the next time step.
   */
  async adminToken(tenant: TestTenant): Promise<{ accessToken: string; totpSecret: string }> {
    const first = await this.loginOk({ tenant: tenant.slug, username: tenant.admin.username, password: tenant.admin.password });
    const setup = await this.request('POST', '/api/v1/auth/totp/setup', { token: first.accessToken });
    const { secret } = setup.json<{ secret: string }>();
    const verify = await this.request('POST', '/api/v1/auth/totp/verify', { token: first.accessToken, body: { code: await totpCode(secret) } });
    if (verify.statusCode !== 200) throw new Error(`TOTP verification answered ${verify.statusCode}: ${verify.body}`);
    const second = await this.loginOk({
      tenant: tenant.slug,
      username: tenant.admin.username,
      password: tenant.admin.password,
      totp: await totpCode(secret, 1),
    });
    return { accessToken: second.accessToken, totpSecret: secret };
  }

  /** Creates a user through the API (as `token`'s holder) and answers its id. */
  async createUser(token: string, user: { username: string; password: string; orgUnitId: string; roles: string[] }): Promise<string> {
    const response = await this.request('POST', '/api/v1/users', { token, body: { displayName: user.username, ...user } });
    if (response.statusCode !== 201) throw new Error(`creating ${user.username} answered ${response.statusCode}: ${response.body}`);
    return response.json<{ id: string }>().id;
  }

  /** Creates an org unit through the API and answers it. */
  async createOrgUnit(token: string, name: string, parentId: string): Promise<{ id: string; path: string }> {
    const response = await this.request('POST', '/api/v1/org-units', { token, body: { name, parentId } });
    if (response.statusCode !== 201) throw new Error(`creating unit ${name} answered ${response.statusCode}: ${response.body}`);
    return response.json<{ id: string; path: string }>();
  }
}
