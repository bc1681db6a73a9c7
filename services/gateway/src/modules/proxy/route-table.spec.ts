import { ROUTE_TABLE, UPSTREAM_SERVICES, upstreamFor } from './route-table';

describe('upstreamFor', () => {
  it('routes each resource to the service that owns it', () => {
    expect(upstreamFor('/api/v1/customers')).toBe('customers');
    expect(upstreamFor('/api/v1/customers/0190d6a4-5c3e-7b1a-8f00-3c1d2e4f5a6b?fields=name')).toBe('customers');
    expect(upstreamFor('/api/v1/customer-settings')).toBe('customers');
    expect(upstreamFor('/api/v1/visit-tasks/route')).toBe('visits');
    expect(upstreamFor('/api/v1/visit-settings')).toBe('visits');
    expect(upstreamFor('/api/v1/reports/coverage')).toBe('visits');
    expect(upstreamFor('/api/v1/auth/login')).toBe('permissions');
    expect(upstreamFor('/.well-known/jwks.json')).toBe('permissions');
    expect(upstreamFor('/api/v1/uploads/abc')).toBe('sync');
    expect(upstreamFor('/api/v1/check-ins')).toBe('checkins');
  });

  it('does not match a prefix that is only the start of another word', () => {
    expect(upstreamFor('/api/v1/customersx')).toBeUndefined();
    expect(upstreamFor('/api/v1/unknown')).toBeUndefined();
  });

  it('never routes the services\' internal endpoints', () => {
    expect(upstreamFor('/internal/v1/mutations')).toBeUndefined();
    expect(upstreamFor('/api/v1/../internal/v1/mutations')).toBeUndefined();
    const prefixes = UPSTREAM_SERVICES.flatMap((service) => ROUTE_TABLE[service]);
    expect(prefixes.filter((prefix) => !prefix.startsWith('/api/v1/') && prefix !== '/.well-known')).toEqual([]);
  });

  it('gives every prefix to exactly one service', () => {
    const prefixes = UPSTREAM_SERVICES.flatMap((service) => ROUTE_TABLE[service]);
    expect(new Set(prefixes).size).toBe(prefixes.length);
  });
});
