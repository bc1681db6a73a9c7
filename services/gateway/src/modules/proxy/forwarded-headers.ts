import { type IncomingHttpHeaders } from 'node:http';
import { type FastifyRequest } from 'fastify';
import { TRACEPARENT_HEADER, outgoingTraceparent } from '@fieldforce/observability';
import { type UpstreamService } from './route-table';

/**
 * The headers sent upstream: the client's own (Authorization unchanged, services verify again),
 * `traceparent` continuing the client's trace or starting one (the gateway's span, or its client
 * span for this call while tracing runs), and the client as the gateway sees it in
 * `X-Forwarded-*`, replacing whatever the client claimed.
 */
export function upstreamRequestHeaders(
  request: FastifyRequest,
  headers: IncomingHttpHeaders,
  service: UpstreamService,
): IncomingHttpHeaders {
  return {
    ...headers,
    [TRACEPARENT_HEADER]: outgoingTraceparent(request.raw, service),
    'x-forwarded-for': request.ip,
    'x-forwarded-proto': request.protocol,
    'x-forwarded-host': request.host,
  };
}
