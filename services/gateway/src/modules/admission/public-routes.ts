import { JWKS_PATH } from '@fieldforce/contracts';

/** What a route without a token is: a login (with its own, stricter rate limit) or another public route. */
export type PublicRoute = 'login' | 'public';

// Exact method and path: anything else under the same prefixes needs a token. The gateway's own
// routes (/health/*, /metrics, /docs*, /openapi.json) never reach the proxy and are public anyway.
const PUBLIC_ROUTES: ReadonlyMap<string, PublicRoute> = new Map([
  ['POST /api/v1/auth/login', 'login'],
  ['POST /api/v1/auth/refresh', 'public'],
  // Logout spends a refresh token; a client whose access token has expired must still be able to end its session.
  ['POST /api/v1/auth/logout', 'public'],
  [`GET ${JWKS_PATH}`, 'public'],
  [`HEAD ${JWKS_PATH}`, 'public'],
]);

/** The kind of public route `method path` is, or undefined when it needs a bearer token. */
export function publicRouteOf(method: string, path: string): PublicRoute | undefined {
  return PUBLIC_ROUTES.get(`${method} ${path}`);
}

/** The path of a request URL, without its query. */
export function pathOf(url: string): string {
  const query = url.indexOf('?');
  return query < 0 ? url : url.slice(0, query);
}
