import httpProxy from '@fastify/http-proxy';
import { type FastifyInstance, type FastifyReply, type RawServerBase, type RouteGenericInterface } from 'fastify';
import { type AccessTokenVerifier } from '@fieldforce/auth';
import { PROBLEM_CONTENT_TYPE, problemType } from '@fieldforce/platform';
import { ROUTE_TABLE, UPSTREAM_SERVICES, type UpstreamService } from './route-table';
import { tokenGate } from './token-gate';

export interface UpstreamProxyOptions {
  upstreams: Record<UpstreamService, string>;
  timeoutMs: number;
  verifier: AccessTokenVerifier;
}

// undici's codes for "nobody answered" (503) versus "answered too slowly" (504).
const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT', 'FST_REPLY_FROM_GATEWAY_TIMEOUT']);

function sendUpstreamProblem(
  reply: FastifyReply<RouteGenericInterface, RawServerBase>,
  service: UpstreamService, error: Error & { code?: string }): void {
  const timedOut = error.code !== undefined && TIMEOUT_CODES.has(error.code);
  const status = timedOut ? 504 : 503;
  reply.log.warn({ err: error, upstream: service }, 'upstream request failed');
  void reply
    .code(status)
    .header('content-type', PROBLEM_CONTENT_TYPE)
    .header('retry-after', '5')
    .send({
      type: problemType(timedOut ? 'UPSTREAM_TIMEOUT' : 'UPSTREAM_UNAVAILABLE'),
      title: timedOut ? 'Upstream timeout' : 'Service unavailable',
      status,
      detail: `the ${service} service ${timedOut ? 'did not answer in time' : 'is not reachable'}; other services are not affected`,
      code: timedOut ? 'UPSTREAM_TIMEOUT' : 'UPSTREAM_UNAVAILABLE',
      service,
      requestId: reply.request.id,
    });
}

/**
 * Forwards every path prefix of the route table to its service, streaming bodies both ways
 * (uploads are never buffered whole). A failing upstream answers 503/504 problem+json for its
 * own routes only.
 */
export async function registerUpstreamProxies(fastify: FastifyInstance, options: UpstreamProxyOptions): Promise<void> {
  await fastify.register(async (scope) => {
    // Nest parses JSON for its own routes; proxied bodies must pass through as raw streams.
    scope.removeAllContentTypeParsers();
    scope.addHook('onRequest', tokenGate(options.verifier));
    for (const service of UPSTREAM_SERVICES) {
      for (const prefix of ROUTE_TABLE[service]) {
        await scope.register(httpProxy, {
          upstream: options.upstreams[service],
          prefix,
          rewritePrefix: prefix,
          undici: { connections: 128, pipelining: 1, headersTimeout: options.timeoutMs, bodyTimeout: options.timeoutMs },
          replyOptions: {
            onError: (reply, { error }) => sendUpstreamProblem(reply, service, error),
          },
        });
      }
    }
  });
}
