import { type IncomingMessage } from 'node:http';
import { type Attributes } from '@opentelemetry/api';
import { type FastifyInstance } from 'fastify';
import { TraceContext } from '../trace/trace-context';
import { type TraceSpan, type Tracing, activeTracing } from './tracing';

/** The spans of one HTTP request: its server span and the calls made for it (ended with it). */
interface RequestSpans {
  server: TraceSpan;
  calls: TraceSpan[];
}

const requestSpans = new WeakMap<IncomingMessage, RequestSpans>();

function pathOf(url: string): string {
  const query = url.indexOf('?');
  return query < 0 ? url : url.slice(0, query);
}

function endRequestSpans(request: IncomingMessage, statusCode: number | undefined): void {
  const spans = requestSpans.get(request);
  if (spans === undefined) return;
  requestSpans.delete(request);
  for (const span of [...spans.calls, spans.server]) {
    if (statusCode === undefined) {
      span.fail('the client closed the connection before the answer');
    } else {
      span.setAttribute('http.response.status_code', statusCode);
      if (statusCode >= 500) span.setAttribute('error.type', String(statusCode)).fail(`answered ${statusCode}`);
    }
    span.end();
  }
}

/**
 * A server span for every request, with the ids of the request's `TraceContext`, ended when the
 * answer is sent. Installed only while tracing runs, so requests cost nothing otherwise.
 */
export function traceHttpRequests(fastify: FastifyInstance, tracing: Tracing): void {
  fastify.addHook('onRequest', (request, _reply, done) => {
    const route = request.routeOptions.url;
    const attributes: Attributes = {
      'http.request.method': request.method,
      'url.path': pathOf(request.url),
      'url.scheme': request.protocol,
    };
    if (route !== undefined) attributes['http.route'] = route;
    const name = route === undefined ? request.method : `${request.method} ${route}`;
    const server = tracing.startSpan(TraceContext.ofRequest(request.raw), name, { kind: 'server', attributes });
    requestSpans.set(request.raw, { server, calls: [] });
    done();
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    endRequestSpans(request.raw, reply.statusCode);
    done();
  });
  fastify.addHook('onRequestAbort', (request, done) => {
    endRequestSpans(request.raw, undefined);
    done();
  });
}

/**
 * The `traceparent` for a call to `peer` (a service name) made on behalf of `request` (the
 * gateway's upstream call): while tracing runs, that of a client span of its own under the
 * request's span, ended with the request; otherwise the request's own `traceparent`, at no extra cost.
 */
export function outgoingTraceparent(request: IncomingMessage, peer: string): string {
  const context = TraceContext.ofRequest(request);
  const tracing = activeTracing();
  const spans = tracing === undefined ? undefined : requestSpans.get(request);
  if (tracing === undefined || spans === undefined) return context.traceparent;
  const call = context.child();
  const method = request.method ?? 'GET';
  const attributes = { 'http.request.method': method, 'peer.service': peer };
  spans.calls.push(tracing.startSpan(call, `${method} ${peer}`, { kind: 'client', attributes }));
  return call.traceparent;
}
