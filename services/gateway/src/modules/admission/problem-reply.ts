import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { type FastifyReply } from 'fastify';
import { Counter, register } from 'prom-client';
import { AuthException, authProblem, wwwAuthenticate } from '@fieldforce/auth';
import { PROBLEM_CONTENT_TYPE, type ProblemDetails, type ProblemMapping, problemType } from '@fieldforce/platform';
import { type GatewayException, gatewayProblem } from './gateway.exception';

const REJECTIONS_METRIC = 'gateway_rejected_requests_total';
const logger = new Logger('GatewayAdmission');

// One registry per process: several gateways in one test worker share the counter.
function rejectionsCounter(): Counter<'code'> {
  const existing = register.getSingleMetric(REJECTIONS_METRIC);
  if (existing instanceof Counter) return existing;
  return new Counter({
    name: REJECTIONS_METRIC,
    help: 'Requests the gateway answered itself with an error instead of the upstream, by problem code',
    labelNames: ['code'],
  });
}
const rejections = rejectionsCounter();

function send(reply: FastifyReply, body: Omit<ProblemDetails, 'instance' | 'requestId'>): FastifyReply {
  rejections.inc({ code: body.code });
  return reply
    .code(body.status)
    .header('content-type', PROBLEM_CONTENT_TYPE)
    .send({ ...body, instance: reply.request.url.split('?', 1)[0], requestId: reply.request.id } satisfies ProblemDetails);
}

function domainBody(exception: GatewayException | AuthException, mapping: ProblemMapping): Omit<ProblemDetails, 'instance' | 'requestId'> {
  return {
    type: mapping.type ?? problemType(exception.code),
    title: mapping.title,
    status: mapping.status,
    detail: exception.message,
    code: exception.code,
    ...(exception.details === undefined ? {} : { details: exception.details }),
  };
}

/**
 * Answers with the problem+json of a gateway or auth exception, shaped as every service's
 * ProblemDetailsFilter shapes it (the proxy's hooks run outside Nest, so its filter never sees them).
 */
export function sendProblem(reply: FastifyReply, exception: GatewayException | AuthException): FastifyReply {
  if (exception instanceof AuthException) {
    const challenge = wwwAuthenticate(exception);
    if (challenge !== undefined) void reply.header('www-authenticate', challenge);
    return send(reply, domainBody(exception, authProblem(exception.code)));
  }
  return send(reply, domainBody(exception, gatewayProblem(exception.code)));
}

/** A 500 without internals; the log line with the same error id holds the cause. */
export function sendInternalError(reply: FastifyReply, error: unknown): FastifyReply {
  const errorId = randomUUID();
  logger.error({ err: error, errorId, requestId: reply.request.id }, 'unhandled error in the gateway');
  return send(reply, {
    type: 'about:blank',
    title: 'Internal Server Error',
    status: 500,
    detail: `An unexpected error occurred. Quote errorId ${errorId} when reporting it.`,
    code: 'INTERNAL_ERROR',
    errorId,
  });
}
