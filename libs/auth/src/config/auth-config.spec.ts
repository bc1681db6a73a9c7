import { BaseServiceEnv, ConfigError, loadConfig } from '@fieldforce/platform';
import { toAuthConfig, withAuthEnv } from './auth-config';

class SampleEnv extends withAuthEnv(BaseServiceEnv) {
  override PORT = 3990;
  override DATABASE_URL = 'postgres://u:p@127.0.0.1:5432/db';
}

describe(withAuthEnv.name, () => {
  it('defaults to the local permissions service and the contract issuer and audience', () => {
    expect(loadConfig(SampleEnv, toAuthConfig, {})).toEqual({
      jwksUrl: 'http://127.0.0.1:3001/.well-known/jwks.json',
      issuer: 'fieldforce-permissions',
      audience: 'fieldforce',
      clockToleranceSeconds: 5,
      jwksRefetchCooldownMs: 30_000,
      jwksMaxAgeMs: 600_000,
      jwksTimeoutMs: 5_000,
    });
  });

  it('reads the AUTH_ variables next to the shared ones', () => {
    const config = loadConfig(SampleEnv, (env) => ({ port: env.PORT, auth: toAuthConfig(env) }), {
      PORT: '4000',
      AUTH_JWKS_URL: 'https://permissions.internal/.well-known/jwks.json',
      AUTH_CLOCK_TOLERANCE_SECONDS: '2',
    });

    expect(config.port).toBe(4000);
    expect(config.auth).toMatchObject({ jwksUrl: 'https://permissions.internal/.well-known/jwks.json', clockToleranceSeconds: 2 });
  });

  it('names each bad AUTH_ variable', () => {
    expect(() => loadConfig(SampleEnv, toAuthConfig, { AUTH_JWKS_URL: 'permissions:3001', AUTH_JWKS_TIMEOUT_MS: '0' })).toThrow(ConfigError);
    expect(() => loadConfig(SampleEnv, toAuthConfig, { AUTH_JWKS_URL: 'permissions:3001' })).toThrow(
      'AUTH_JWKS_URL must be an http:// or https:// URL (got "permissions:3001")',
    );
  });
});
