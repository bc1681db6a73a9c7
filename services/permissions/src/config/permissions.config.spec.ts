import { ConfigError, loadConfig } from '@fieldforce/platform';
import { DEV_SIGNING_KEY_ENCRYPTION_SECRET, PermissionsEnv, toPermissionsConfig } from './permissions.config';

const load = (env: Record<string, string>) => loadConfig(PermissionsEnv, toPermissionsConfig, env);

describe(PermissionsEnv.name, () => {
  it('has working development defaults', () => {
    const config = load({});
    expect(config.http.port).toBe(3001);
    expect(config.tokens).toEqual({
      accessTtlSeconds: 900,
      refreshTtlSeconds: 30 * 24 * 3600,
      rotationIntervalSeconds: 24 * 3600,
      encryptionSecret: DEV_SIGNING_KEY_ENCRYPTION_SECRET,
    });
    expect(config.login).toEqual({ maxFailuresPerUser: 5, maxFailuresPerIp: 50, failureWindowSeconds: 900, lockoutSeconds: 900 });
    expect(config.demo.adminPassword).toBe('fieldforce-demo');
  });

  it('refuses the development encryption secret in production, naming the variable', () => {
    expect(() => load({ NODE_ENV: 'production' })).toThrow(/SIGNING_KEY_ENCRYPTION_SECRET must be set to a secret of its own/);
    const own = 'x'.repeat(40);
    expect(load({ NODE_ENV: 'production', SIGNING_KEY_ENCRYPTION_SECRET: own }).tokens.encryptionSecret).toBe(own);
  });

  it('names every bad token and login variable', () => {
    const bad = () =>
      load({ ACCESS_TOKEN_TTL_SECONDS: '5', SIGNING_KEY_ROTATION_HOURS: 'daily', LOGIN_MAX_FAILURES_PER_USER: '0', SIGNING_KEY_ENCRYPTION_SECRET: 'short' });
    expect(bad).toThrow(ConfigError);
    expect(bad).toThrow(/ACCESS_TOKEN_TTL_SECONDS.*LOGIN_MAX_FAILURES_PER_USER.*SIGNING_KEY_ENCRYPTION_SECRET.*SIGNING_KEY_ROTATION_HOURS/);
  });
});
