import { type FastifyReply, type FastifyRequest } from 'fastify';
import { type AccessTokenVerifier, AuthException, authProblem, wwwAuthenticate } from '@fieldforce/auth';
import { PROBLEM_CONTENT_TYPE, problemType } from '@fieldforce/platform';

// What a client calls before it has an access token: signing in and out (with a refresh token), and the public keys.
const PUBLIC_ROUTES = new Set(['POST /api/v1/auth/login', 'POST /api/v1/auth/refresh', 'POST /api/v1/auth/logout']);
const PUBLIC_PREFIXES = ['/.well-known/'];

/** True when `method` and `url` name a proxied route that needs no access token. */
export function isPublicRoute(method: string, url: string): boolean {
  const path = url.split('?', 1)[0] ?? '';
  return PUBLIC_ROUTES.has(`${method} ${path}`) || PUBLIC_PREFIXES.some((prefix) => path.startsWith(prefix));
}

/**
 * Refuses a proxied request without a valid access token before anything reaches a service
 * (which verifies the token again: the gateway is not the only line of defence).
 */
export function tokenGate(verifier: AccessTokenVerifier) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    if (request.method === 'OPTIONS' || isPublicRoute(request.method, request.url)) return;
    try {
      await verifier.authenticate(request.headers.authorization);
    } catch (error) {
      if (!(error instanceof AuthException)) throw error;
      const { status, title } = authProblem(error.code);
      const challenge = wwwAuthenticate(error);
      if (challenge) void reply.header('www-authenticate', challenge);
      await reply
        .code(status)
        .header('content-type', PROBLEM_CONTENT_TYPE)
        .send({ type: problemType(error.code), title, status, detail: error.message, code: error.code, requestId: request.id });
    }
  };
}
