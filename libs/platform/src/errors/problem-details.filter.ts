import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import { type ArgumentsHost, type ExceptionFilter, Catch, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { type FastifyReply, type FastifyRequest } from 'fastify';
import { CommonException, commonProblem } from './common.exception';
import { type DomainException, type FieldError, isDomainException } from './domain.exception';
import { type DomainProblemMapping, type ProblemMapping, problemType } from './problem-mapping';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** An RFC 9457 problem document with fieldforce's extension members. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  code: string;
  errors?: FieldError[];
  details?: Record<string, unknown>;
  requestId?: string;
  errorId?: string;
}

type ProblemBody = Omit<ProblemDetails, 'instance' | 'requestId'>;

// Errors Fastify raises itself before a handler runs (bad JSON, body too large, wrong media type).
interface FastifyClientError {
  statusCode: number;
  message: string;
}

function isFastifyClientError(error: unknown): error is FastifyClientError {
  if (!(error instanceof Error)) return false;
  const { statusCode, code } = error as Error & { statusCode?: unknown; code?: unknown };
  return typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500 && typeof code === 'string';
}

// SQLSTATEs of a server that is shutting down, crashed or still starting; class 08 is a connection exception.
const SERVER_GONE_STATES = new Set(['57P01', '57P02', '57P03']);
const SOCKET_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT']);

// TypeORM's errors for a query on a query runner it released when its connection failed (while
// idle too: a transaction waiting on another service when the server went away).
const RELEASED_QUERY_RUNNER_ERRORS = new Set(['QueryRunnerAlreadyReleasedError', 'QueryRunnerProviderAlreadyReleasedError']);

// pg-pool's words when no pooled connection came free within the connect timeout.
const POOL_EXHAUSTED = 'timeout exceeded when trying to connect';
// pg's words for a query on a connection that failed while idle (e.g. in a transaction waiting
// on another service when the server went away).
const CONNECTION_FAILED_WHILE_IDLE = 'Client has encountered a connection error and is not queryable';

/**
 * Why a failed query failed, when the database (not the request) is the reason: `unavailable`
 * when it cannot be reached right now (refused or cut connections, during a query or while idle,
 * from pg or TypeORM's QueryFailedError around pg's error; a server shutting down or starting; a
 * query runner TypeORM released when its connection failed), `busy` when no pooled connection
 * came free in time.
 */
function databaseFailureOf(error: unknown): 'unavailable' | 'busy' | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { name, code, message, driverError } = error as { name?: unknown; code?: unknown; message?: unknown; driverError?: unknown };
  if (typeof name === 'string' && RELEASED_QUERY_RUNNER_ERRORS.has(name)) return 'unavailable';
  const driverFailure = driverError !== undefined && driverError !== error ? databaseFailureOf(driverError) : undefined;
  if (driverFailure) return driverFailure;
  if (typeof code === 'string' && (code.startsWith('08') || SERVER_GONE_STATES.has(code) || SOCKET_ERRORS.has(code))) return 'unavailable';
  if (typeof message !== 'string') return undefined;
  if (message.startsWith('Connection terminated') || message === CONNECTION_FAILED_WHILE_IDLE) return 'unavailable';
  return message === POOL_EXHAUSTED ? 'busy' : undefined;
}

function httpDetail(exception: HttpException): string {
  const response = exception.getResponse();
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  if (Array.isArray(message)) return message.map(String).join('; ');
  return typeof message === 'string' ? message : exception.message;
}

function statusProblem(status: number, detail: string): ProblemBody {
  // Enum reverse lookup: undefined for statuses Nest has no name for.
  const name: string | undefined = HttpStatus[status];
  return {
    type: 'about:blank',
    title: STATUS_CODES[status] ?? 'Error',
    status,
    detail,
    code: name ?? `HTTP_${status}`,
  };
}

/** The `Retry-After` seconds of a 429 or 503 whose details name them (`details.retryAfterSeconds`). */
function retryAfterOf(problem: ProblemBody): number | undefined {
  const seconds = problem.details?.retryAfterSeconds;
  if (problem.status !== 429 && problem.status !== 503) return undefined;
  return typeof seconds === 'number' && Number.isSafeInteger(seconds) && seconds > 0 ? seconds : undefined;
}

/**
 * Renders every error as `application/problem+json`: domain exceptions through the service's
 * code mappings, Nest/Fastify HTTP errors by status, a database out of reach as a 503, anything
 * else as a 500 with an error id.
 * A 429 or 503 whose details name `retryAfterSeconds` also answers them as `Retry-After`.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger(ProblemDetailsFilter.name);

  constructor(private readonly mappings: readonly DomainProblemMapping[] = []) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const body = this.render(exception, request);
    if (reply.sent) return;
    const retryAfter = retryAfterOf(body);
    if (retryAfter !== undefined) void reply.header('retry-after', String(retryAfter));
    void reply.status(body.status).header('content-type', PROBLEM_CONTENT_TYPE).send(body);
  }

  /** The problem document of `exception`, for code that answers a request outside Nest's pipeline (a hijacked reply). */
  render(exception: unknown, request: Pick<FastifyRequest, 'url' | 'id'>): ProblemDetails {
    return { ...this.toProblem(exception, request), instance: request.url.split('?')[0], requestId: request.id };
  }

  private toProblem(exception: unknown, request: Pick<FastifyRequest, 'id'>): ProblemBody {
    if (isDomainException(exception)) {
      const mapping = this.mappingOf(exception);
      if (mapping !== undefined) return this.domainProblem(exception, mapping);
    } else if (exception instanceof HttpException) {
      const status = exception.getStatus();
      if (status >= 500) this.logger.warn({ err: exception, requestId: request.id }, 'HTTP exception');
      return statusProblem(status, httpDetail(exception));
    } else if (isFastifyClientError(exception)) {
      return statusProblem(exception.statusCode, exception.message);
    } else {
      const databaseFailure = databaseFailureOf(exception);
      if (databaseFailure === 'unavailable') {
        // Expected while the database restarts: a 503 the client retries, not an unexpected 500.
        this.logger.warn({ err: exception, requestId: request.id }, 'database unavailable');
        const unavailable = CommonException.databaseUnavailable();
        return this.domainProblem(unavailable, commonProblem(unavailable.code));
      }
      if (databaseFailure === 'busy') {
        // Overload: answering 503 with Retry-After lets devices back off and retry (their writes are idempotent) instead of seeing a defect.
        this.logger.warn({ requestId: request.id }, 'no database connection came free in time');
        const busy = CommonException.databaseBusy();
        return this.domainProblem(busy, commonProblem(busy.code));
      }
    }
    return this.internalError(exception, request);
  }

  private mappingOf(exception: DomainException): ProblemMapping | undefined {
    if (exception instanceof CommonException) return commonProblem(exception.code);
    return this.mappings.find((mapping) => mapping.matches(exception))?.map(exception);
  }

  private domainProblem(exception: DomainException, mapping: ProblemMapping): ProblemBody {
    return {
      type: mapping.type ?? problemType(exception.code),
      title: mapping.title,
      status: mapping.status,
      detail: exception.message,
      code: exception.code,
      ...(exception.errors === undefined ? {} : { errors: exception.errors }),
      ...(exception.details === undefined ? {} : { details: exception.details }),
    };
  }

  // The client sees only the error id; the log line with the same id holds the stack and cause.
  private internalError(exception: unknown, request: Pick<FastifyRequest, 'id'>): ProblemBody {
    const errorId = randomUUID();
    this.logger.error({ err: exception, errorId, requestId: request.id }, 'unhandled error');
    return {
      type: 'about:blank',
      title: 'Internal Server Error',
      status: 500,
      detail: `An unexpected error occurred. Quote errorId ${errorId} when reporting it.`,
      code: 'INTERNAL_ERROR',
      errorId,
    };
  }
}
