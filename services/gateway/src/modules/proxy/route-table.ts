/** The services behind the gateway. */
export const UPSTREAM_SERVICES = ['permissions', 'customers', 'visits', 'checkins', 'sync'] as const;
export type UpstreamService = (typeof UPSTREAM_SERVICES)[number];

/**
 * Which service owns which public path prefix (ARCHITECTURE.md). Paths are forwarded
 * unchanged: every service serves its own routes under the same `/api/v1/...` paths. Nothing
 * under `/internal` is ever routed: those are service-to-service calls (sync → owners).
 */
export const ROUTE_TABLE: Readonly<Record<UpstreamService, readonly string[]>> = {
  permissions: ['/api/v1/auth', '/api/v1/users', '/api/v1/org-units', '/api/v1/roles', '/api/v1/me', '/api/v1/audit', '/.well-known'],
  customers: ['/api/v1/customers', '/api/v1/customer-settings', '/api/v1/territories'],
  visits: ['/api/v1/visit-templates', '/api/v1/visit-plans', '/api/v1/visit-tasks', '/api/v1/visit-settings', '/api/v1/reminders', '/api/v1/reports'],
  checkins: ['/api/v1/check-ins', '/api/v1/trajectories', '/api/v1/live-positions'],
  sync: ['/api/v1/sync', '/api/v1/uploads'],
};

/** The service owning `path`, or undefined when no service does. */
export function upstreamFor(path: string): UpstreamService | undefined {
  const pathname = path.split('?', 1)[0] ?? '';
  return UPSTREAM_SERVICES.find((service) =>
    ROUTE_TABLE[service].some((prefix) => pathname === prefix || pathname.startsWith(`${prefix}/`)),
  );
}
