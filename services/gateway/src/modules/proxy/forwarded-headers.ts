import { type IncomingHttpHeaders } from 'node:http';
import { type FastifyRequest } from 'fastify';
import { TRACEPARENT_HEADER, TraceContext } from '@fieldforce/observability';

/**
 * The headers sent upstream: the client's own (Authorization unchanged, services verify again),
 * the gateway's span as `traceparent` (continuing the client's trace or starting one), and the
 * client as the gateway sees it in `X-Forwarded-*`, replacing whatever the client claimed.
 */
export function upstreamRequestHeaders(request: FastifyRequest, headers: IncomingHttpHeaders): IncomingHttpHeaders {
  return {
    ...headers,
    [TRACEPARENT_HEADER]: TraceContext.ofRequest(request.raw).traceparent,
    'x-forwarded-for': request.ip,
    'x-forwarded-proto': request.protocol,
    'x-forwarded-host': request.host,
  };
}
