import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { type FastifyInstance } from 'fastify';
import { Histogram, collectDefaultMetrics, register } from 'prom-client';
import { OBSERVABILITY_OPTIONS, type ObservabilityOptions } from '../observability-options';

export const HTTP_REQUEST_DURATION_SECONDS = 'http_request_duration_seconds';

/** The route label of requests no route matched: one series, whatever URLs clients try. */
export const UNMATCHED_ROUTE = 'unmatched';

type HttpLabel = 'method' | 'route' | 'status_code';

// One registry per process: several apps in one test worker share the metric instead of re-registering it.
function httpDurationHistogram(): Histogram<HttpLabel> {
  const existing = register.getSingleMetric(HTTP_REQUEST_DURATION_SECONDS);
  if (existing instanceof Histogram) return existing;
  return new Histogram<HttpLabel>({
    name: HTTP_REQUEST_DURATION_SECONDS,
    help: 'Duration of HTTP requests, by method, route pattern and status code',
    labelNames: ['method', 'route', 'status_code'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  });
}

let defaultMetricsCollected = false;

/** Starts default process metrics (once per process) with the service as a label on every series. */
export function setUpDefaultMetrics(service: string): void {
  register.setDefaultLabels({ service });
  if (!defaultMetricsCollected) {
    collectDefaultMetrics();
    defaultMetricsCollected = true;
  }
}

/** Times every HTTP response into `http_request_duration_seconds`, labelled by route pattern. */
@Injectable()
export class HttpMetrics implements OnModuleInit {
  private readonly duration = httpDurationHistogram();

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(OBSERVABILITY_OPTIONS) private readonly options: ObservabilityOptions,
  ) {}

  onModuleInit(): void {
    setUpDefaultMetrics(this.options.service);
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    fastify.addHook('onResponse', (request, reply, done) => {
      this.duration.observe(
        {
          method: request.method,
          route: request.routeOptions.url ?? UNMATCHED_ROUTE,
          status_code: String(reply.statusCode),
        },
        reply.elapsedTime / 1000,
      );
      done();
    });
  }
}
