import { ConfigError, loadConfig } from '@fieldforce/platform';
import { GatewayEnv, toGatewayConfig } from './gateway.config';

describe('gateway configuration', () => {
  it('takes each upstream as an origin', () => {
    const config = loadConfig(GatewayEnv, toGatewayConfig, { UPSTREAM_CUSTOMERS_URL: 'https://customers.internal:8443' });

    expect(config.upstreams).toMatchObject({ customers: 'https://customers.internal:8443', visits: 'http://127.0.0.1:3003' });
  });

  it.each(['http://customers:3002/', 'http://customers:3002/api', 'http://customers:3002?x=1', 'customers:3002'])(
    'refuses the upstream %s at start, naming the variable',
    (url) => {
      expect(() => loadConfig(GatewayEnv, toGatewayConfig, { UPSTREAM_CUSTOMERS_URL: url })).toThrow(ConfigError);
      expect(() => loadConfig(GatewayEnv, toGatewayConfig, { UPSTREAM_CUSTOMERS_URL: url })).toThrow(
        /UPSTREAM_CUSTOMERS_URL must be an http:\/\/ or https:\/\/ origin, without a path/,
      );
    },
  );
});
