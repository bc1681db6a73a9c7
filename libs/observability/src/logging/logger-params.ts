import { type IncomingMessage, type ServerResponse } from 'node:http';
import { type RouteInfo } from '@nestjs/common/interfaces';
import { type Params } from 'nestjs-pino';
import pino, { type DestinationStream, type Level, type Logger } from 'pino';
import { type Options } from 'pino-http';
import { TraceContext } from '../trace/trace-context';

export interface LoggingOptions {
  service: string;
  level: Level | 'silent';
  /** Where JSON lines go; stdout when absent (tests pass a stream to read them). */
  destination?: DestinationStream;
  /** Routes pino-http leaves alone (their requests are logged another way). */
  exclude?: RouteInfo[];
}

// Secrets that must never reach a log line, wherever they appear in logged objects.
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  'password',
  '*.password',
  '*.*.password',
  'newPassword',
  '*.newPassword',
  'refreshToken',
  '*.refreshToken',
  'totpSecret',
  '*.totpSecret',
];

// Probes and scrapes every few seconds would drown the request log.
const QUIET_PATHS = new Set(['/health/live', '/health/ready', '/metrics']);

function pathOf(request: IncomingMessage): string {
  return (request.url ?? '').split('?')[0] ?? '';
}

/** The level of a request's "request completed" line: error for a failure or a 5xx, warn for a 4xx, else info. */
export function requestLogLevel(statusCode: number, error?: Error): Level {
  if (error !== undefined || statusCode >= 500) return 'error';
  return statusCode >= 400 ? 'warn' : 'info';
}

function levelOf(_request: IncomingMessage, response: ServerResponse, error?: Error): Level {
  return requestLogLevel(response.statusCode, error);
}

// Any line written inside a trace context (a request handler, a consumer using TraceContext.run) gets its trace id.
function traceIdOfCurrentContext(_merge: object, _level: number, logger: Logger): object {
  const context = TraceContext.current();
  if (context === undefined || 'traceId' in logger.bindings()) return {};
  return { traceId: context.traceId };
}

/** nestjs-pino parameters: JSON lines with service, requestId and traceId, secrets redacted. */
export function loggerParams(options: LoggingOptions): Params {
  const pinoHttp: Options = {
    level: options.level,
    base: { service: options.service },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    // Fastify has already chosen the id (honouring x-request-id) and written it into the header.
    genReqId: (request) => {
      const id = request.headers['x-request-id'];
      return typeof id === 'string' ? id : TraceContext.ofRequest(request).spanId;
    },
    // Lines logged while handling a request carry only requestId (plus traceId from the mixin), not the whole request.
    quietReqLogger: true,
    customAttributeKeys: { reqId: 'requestId' },
    // The "request completed" line is written after the handler's async context has ended.
    customProps: (request) => ({ traceId: TraceContext.ofRequest(request).traceId }),
    mixin: traceIdOfCurrentContext,
    customLogLevel: levelOf,
    autoLogging: { ignore: (request) => QUIET_PATHS.has(pathOf(request)) },
  };
  return {
    pinoHttp: options.destination === undefined ? pinoHttp : [pinoHttp, options.destination],
    ...(options.exclude === undefined || options.exclude.length === 0 ? {} : { exclude: options.exclude }),
  };
}
