import { Inject, Injectable, type OnModuleInit, RequestMethod } from '@nestjs/common';
import { type RouteInfo } from '@nestjs/common/interfaces';
import { HttpAdapterHost } from '@nestjs/core';
import { type FastifyInstance } from 'fastify';
import { PinoLogger } from 'nestjs-pino';
import { OBSERVABILITY_OPTIONS, type ObservabilityOptions } from '../observability-options';
import { TraceContext } from '../trace/trace-context';
import { requestLogLevel } from './logger-params';

const trimSlashes = (prefix: string): string => prefix.replace(/^\/+|\/+$/g, '');

/** The routes at and under each of `prefixes`, as Nest middleware exclusions. */
export function routesUnder(prefixes: readonly string[]): RouteInfo[] {
  return prefixes.map((prefix) => ({ path: `${trimSlashes(prefix)}{/*rest}`, method: RequestMethod.ALL }));
}

function isUnder(url: string, prefixes: readonly string[]): boolean {
  const query = url.indexOf('?');
  const path = query < 0 ? url : url.slice(0, query);
  return prefixes.some((prefix) => path === prefix || path.startsWith(`${prefix}/`));
}

/**
 * The "request completed" line of the requests under `leanRequestLogPrefixes`, which pino-http
 * leaves alone (see `loggerParams`): written from Fastify's `onResponse` with the root logger,
 * and only built when its level is enabled, so a request whose line is filtered out costs a
 * comparison. The line has the shape of pino-http's, headers redacted alike.
 */
@Injectable()
export class LeanRequestLog implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(OBSERVABILITY_OPTIONS) private readonly options: ObservabilityOptions,
  ) {}

  onModuleInit(): void {
    const prefixes = (this.options.leanRequestLogPrefixes ?? []).map((prefix) => `/${trimSlashes(prefix)}`);
    if (prefixes.length === 0) return;
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    fastify.addHook('onResponse', (request, reply, done) => {
      const level = requestLogLevel(reply.statusCode);
      const logger = PinoLogger.root;
      // pino-http marks the requests it logs; a path its exclusion did not match keeps its line from there.
      if (logger.isLevelEnabled(level) && request.raw.allLogs === undefined && isUnder(request.url, prefixes)) {
        logger[level](
          {
            requestId: request.id,
            traceId: TraceContext.ofRequest(request.raw).traceId,
            // pino-http's serializers and redaction shape these as in its own lines.
            req: request.raw,
            res: reply.raw,
            responseTime: Math.round(reply.elapsedTime),
          },
          'request completed',
        );
      }
      done();
    });
  }
}
