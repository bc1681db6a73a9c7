import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { parseTraceparent } from '@fieldforce/observability';
import { OtlpCollector, signTestToken } from '@fieldforce/testing';
import { type Echo, EchoUpstream, closedPort } from './support/echo-upstream';
import { createGatewayApp } from './support/gateway-app';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const CLIENT_SPAN_ID = '00f067aa0ba902b7';
// OTLP span kinds.
const SERVER = 2;
const CLIENT = 3;

describe('gateway tracing', () => {
  let upstream: EchoUpstream;
  let collector: OtlpCollector;
  let authorization: string;

  beforeAll(async () => {
    upstream = await EchoUpstream.start();
    collector = await OtlpCollector.start();
    authorization = `Bearer ${await signTestToken({ roles: ['rep'] })}`;
  });

  afterAll(async () => {
    await collector?.close();
    await upstream?.stop();
  });

  it('exports the request span and a client span per upstream call, whose id the upstream gets as parent', async () => {
    const down = `http://127.0.0.1:${await closedPort()}`;
    const app: NestFastifyApplication = await createGatewayApp({
      UPSTREAM_CUSTOMERS_URL: upstream.url,
      UPSTREAM_PERMISSIONS_URL: down,
      UPSTREAM_VISITS_URL: down,
      UPSTREAM_CHECKINS_URL: down,
      UPSTREAM_SYNC_URL: down,
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint,
    });
    let forwarded: string | undefined;
    let failed: number | undefined;
    try {
      const response = await app.inject({
        method: 'GET',
        url: '/api/v1/customers/c-1',
        headers: { authorization, traceparent: `00-${TRACE_ID}-${CLIENT_SPAN_ID}-01` },
      });
      forwarded = String(response.json<Echo>().headers.traceparent);
      failed = (await app.inject({ method: 'GET', url: '/api/v1/visit-tasks', headers: { authorization } })).statusCode;
    } finally {
      await app.close();
    }

    const spans = collector.spans();
    const server = spans.find((span) => span.kind === SERVER && span.traceId === TRACE_ID);
    const call = spans.find((span) => span.kind === CLIENT && span.traceId === TRACE_ID);
    expect(server).toMatchObject({ serviceName: 'gateway', parentSpanId: CLIENT_SPAN_ID, attributes: { 'http.response.status_code': 200 } });
    expect(call).toMatchObject({
      name: 'GET customers',
      parentSpanId: server?.spanId,
      attributes: { 'peer.service': 'customers', 'http.response.status_code': 200 },
    });
    expect(parseTraceparent(forwarded)).toEqual({ traceId: TRACE_ID, parentSpanId: call?.spanId, sampled: true });
    // An upstream that is down: the call span fails with the gateway's 503.
    expect(failed).toBe(503);
    const downCall = spans.find((span) => span.kind === CLIENT && span.name === 'GET visits');
    expect(downCall?.attributes).toMatchObject({ 'http.response.status_code': 503, 'error.type': '503' });
  });
});
