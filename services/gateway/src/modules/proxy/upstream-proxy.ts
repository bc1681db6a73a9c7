import { type IncomingHttpHeaders } from 'node:http';
import httpProxy from '@fastify/http-proxy';
import { Logger } from '@nestjs/common';
import { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { Pool } from 'undici';
import { type Admission } from '../admission/admission';
import { GatewayException } from '../admission/gateway.exception';
import { sendProblem } from '../admission/problem-reply';
import { upstreamRequestHeaders } from './forwarded-headers';
import { ROUTE_TABLE, UPSTREAM_SERVICES, type UpstreamService } from './route-table';

export interface UpstreamProxyOptions {
  upstreams: Record<UpstreamService, string>;
  timeoutMs: number;
  /** Token, rate and body-size checks run before a request reaches its upstream. */
  admission: Admission;
}

// undici's codes for "nobody answered" (503) versus "answered too slowly" (504).
const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT', 'FST_REPLY_FROM_GATEWAY_TIMEOUT']);
// The upstream closed the connection under the request without answering: typically a
// keep-alive connection it was closing as the request was sent.
const CUT_CONNECTION_CODES = new Set(['UND_ERR_SOCKET', 'ECONNRESET']);
const RESENDABLE_METHODS = new Set(['GET', 'HEAD']);
const logger = new Logger('UpstreamProxy');

/**
 * What reply-from's retry decision is given and this gateway reads. reply-from types `req` as
 * the Fastify request; it is the upstream request's options, which have the same two fields.
 */
interface UpstreamAttempt {
  err?: Error & { code?: string };
  req: { method: string; headers: IncomingHttpHeaders };
  attempt: number;
}

/**
 * reply-from's retry decision (milliseconds to wait, or null). A bodiless GET or HEAD whose
 * connection was cut unanswered is sent once more at once: it cannot have changed anything. Nothing
 * else is: not an upstream's own 503 (reply-from's default resends a GET up to ten times, which
 * multiplies an overloaded upstream's load; the client has its Retry-After), not a timeout (it
 * would double the wait), not a write.
 */
function resendDelay({ err, req, attempt }: UpstreamAttempt): number | null {
  const cut = err?.code !== undefined && CUT_CONNECTION_CODES.has(err.code);
  const bodiless = req.headers['content-length'] === undefined && req.headers['transfer-encoding'] === undefined;
  // 1, not 0: reply-from reads 0 as "no retry".
  return cut && attempt === 0 && bodiless && RESENDABLE_METHODS.has(req.method) ? 1 : null;
}

function answerUpstreamFailure(reply: FastifyReply, service: UpstreamService, error: Error & { code?: string }, admission: Admission): void {
  if (admission.answerIfBodyExceeded(reply)) return;
  const timedOut = error.code !== undefined && TIMEOUT_CODES.has(error.code);
  logger.warn({ err: error, upstream: service, requestId: reply.request.id }, 'upstream request failed');
  void reply.header('retry-after', '5');
  sendProblem(reply, timedOut ? GatewayException.upstreamTimeout(service, error) : GatewayException.upstreamUnavailable(service, error));
}

/**
 * Forwards every path prefix of the route table to its service, streaming bodies both ways
 * (uploads are never buffered whole), after the admission checks. A failing upstream answers
 * 503/504 problem+json for its own routes only.
 */
export async function registerUpstreamProxies(fastify: FastifyInstance, options: UpstreamProxyOptions): Promise<void> {
  const { admission } = options;
  const pools: Pool[] = [];
  fastify.addHook('onClose', async () => {
    await Promise.all(pools.map((pool) => pool.close()));
  });
  await fastify.register(async (scope) => {
    // Nest parses JSON for its own routes; proxied bodies must pass through as raw streams.
    scope.removeAllContentTypeParsers();
    // Added before the proxies are registered, so they apply to every proxied route.
    scope.addHook('onRequest', admission.onRequest);
    scope.addHook('preValidation', admission.preValidation);
    for (const service of UPSTREAM_SERVICES) {
      // One connection pool per service, shared by all its prefixes (a pool per prefix kept idle
      // connections apart and let one service hold 128 connections per prefix), closed with the app.
      const pool = new Pool(options.upstreams[service], { connections: 128, pipelining: 1, headersTimeout: options.timeoutMs, bodyTimeout: options.timeoutMs });
      pools.push(pool);
      for (const prefix of ROUTE_TABLE[service]) {
        await scope.register(httpProxy, {
          upstream: options.upstreams[service],
          prefix,
          rewritePrefix: prefix,
          undici: pool,
          // reply-from types its callbacks for HTTP/2 servers too; the gateway's server is HTTP/1.1 only.
          replyOptions: {
            rewriteRequestHeaders: (request, headers) => upstreamRequestHeaders(request as FastifyRequest, headers, service),
            onError: (reply, { error }) => answerUpstreamFailure(reply as FastifyReply, service, error, admission),
            retryDelay: resendDelay,
          },
        });
      }
    }
  });
}
