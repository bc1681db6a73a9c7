import { generate } from 'otplib';
import { type CollectedRecord } from '@fieldforce/testing';

/** An answer of the gateway: status, headers and the JSON body (an empty object for an empty body). */
export interface Answer<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
}

export interface CallOptions {
  token?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface LoggedIn {
  accessToken: string;
  totpEnrolmentRequired: boolean;
  user: { id: string; orgPath: string };
}

/** A problem+json answer, as the services render their errors. */
export interface Problem {
  status: number;
  code: string;
  errors?: { field: string; message: string }[];
}

/** A device or console talking to the platform through the gateway's public URL only. */
export class GatewayClient {
  constructor(
    readonly baseUrl: string,
    private readonly tenant: string,
    private readonly password: string,
  ) {}

  async call<T = Record<string, unknown>>(method: string, url: string, options: CallOptions = {}): Promise<Answer<T>> {
    const response = await fetch(this.baseUrl + url, {
      method,
      headers: {
        ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        ...options.headers,
      },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: (text ? JSON.parse(text) : {}) as T };
  }

  /** Logs in to the client's tenant with the shared password (and a TOTP code when given). */
  async login(username: string, totpCode?: string): Promise<LoggedIn> {
    const answer = await this.call<LoggedIn>('POST', '/api/v1/auth/login', {
      body: { tenant: this.tenant, username, password: this.password, deviceId: `device-${username}`, ...(totpCode ? { totp: totpCode } : {}) },
    });
    expectStatus(answer, 200, `POST /api/v1/auth/login as ${username}`);
    return answer.body;
  }

  /**
   * The tenant administrator's first login: enrols TOTP (the admin role requires it) and logs in
   * again with a code of the next time step (the one used for the verification may not be used again).
   */
  async enrolAdmin(username: string): Promise<string> {
    const first = await this.login(username);
    expect(first.totpEnrolmentRequired).toBe(true);
    const setup = await this.call<{ secret: string }>('POST', '/api/v1/auth/totp/setup', { token: first.accessToken });
    expectStatus(setup, 200, 'POST /api/v1/auth/totp/setup');
    const verified = await this.call('POST', '/api/v1/auth/totp/verify', { token: first.accessToken, body: { code: await totp(setup.body.secret) } });
    expectStatus(verified, 200, 'POST /api/v1/auth/totp/verify');
    const second = await this.login(username, await totp(setup.body.secret, 1));
    expect(second.totpEnrolmentRequired).toBe(false);
    return second.accessToken;
  }
}

/** Fails with the route and the answer, so a failing step names itself. */
export function expectStatus(answer: Answer<unknown>, status: number, what: string): void {
  if (answer.status !== status) throw new Error(`${what}: expected ${status}, got ${answer.status} ${JSON.stringify(answer.body)}`);
}

/** The RFC 6238 code of `secret`, `stepsAhead` time steps from now. */
export const totp = (secret: string, stepsAhead = 0): Promise<string> => generate({ secret, epoch: Math.floor(Date.now() / 1000) + stepsAhead * 30 });

export const isoDay = (date: Date): string => date.toISOString().slice(0, 10);

/** ~50 m east of a point at Berlin's latitude, well inside a 150 m geofence. */
export const nearby = (point: { lat: number; lng: number }): { lat: number; lng: number } => ({ lat: point.lat, lng: point.lng + 0.0007 });

/** A collected record's key is the aggregate id. */
export const keyed =
  (id: string) =>
  (record: CollectedRecord): boolean =>
    record.key === id;

/** The CloudEvents type of a collected record. */
export const typeOf = (record: CollectedRecord): string => (JSON.parse(record.value) as { type: string }).type;

/** The CloudEvents envelope of a collected record. */
export const envelopeOf = (record: CollectedRecord): { type: string; tenantid: string; data: Record<string, unknown> } => JSON.parse(record.value);
