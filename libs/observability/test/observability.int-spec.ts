import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { createServiceApp } from '@fieldforce/platform';
import { HTTP_REQUEST_DURATION_SECONDS, ObservabilityModule } from '../src';
import { sampleAppModule, sampleConfig } from './sample-app';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const TRACEPARENT = `00-${TRACE_ID}-00f067aa0ba902b7-01`;
const OPEN_API = { openApi: { title: 'Sample', version: '1.0.0' } };

// The `_count` sample of the duration histogram whose labels include `labels`, in any order.
function countOf(metrics: string, labels: Record<string, string>): number | undefined {
  const line = metrics
    .split('\n')
    .filter((candidate) => candidate.startsWith(`${HTTP_REQUEST_DURATION_SECONDS}_count{`))
    .find((candidate) => Object.entries(labels).every(([name, value]) => candidate.includes(`${name}="${value}"`)));
  return line === undefined ? undefined : Number(line.split(' ').pop());
}

describe(ObservabilityModule.name, () => {
  describe('with every dependency up', () => {
    let app: NestFastifyApplication;
    const logLines: string[] = [];
    const logs = (): Array<Record<string, unknown>> => logLines.map((line) => JSON.parse(line));

    beforeAll(async () => {
      const config = sampleConfig();
      const module = sampleAppModule(config, { health: { postgres: true, redis: true, kafka: true }, logLines });
      app = await createServiceApp(module, config, OPEN_API);
    });

    afterAll(async () => {
      await app.close();
    });

    it('answers /health/live with 200', async () => {
      const response = await app.inject({ method: 'GET', url: '/health/live' });

      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({ status: 'ok' });
    });

    it('answers /health/ready with 200 when Postgres, Redis and Kafka answer', async () => {
      const response = await app.inject({ method: 'GET', url: '/health/ready' });

      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({
        status: 'ok',
        details: { postgres: { status: 'up' }, redis: { status: 'up' }, kafka: { status: 'up', brokers: 1 } },
      });
    });

    it('logs JSON lines carrying the request id and the incoming trace id, with credentials redacted', async () => {
      logLines.length = 0;
      const response = await app.inject({
        method: 'GET',
        url: '/visits/v-1',
        headers: { 'x-request-id': 'req-obs-1', traceparent: TRACEPARENT, authorization: 'Bearer secret-token' },
      });

      expect(response.json()).toEqual({ id: 'v-1', traceId: TRACE_ID });
      const handlerLine = logs().find((line) => line.msg === 'looking up visit v-1');
      const completedLine = logs().find((line) => line.msg === 'request completed');
      expect(handlerLine).toMatchObject({ level: 'info', service: 'sample', requestId: 'req-obs-1', traceId: TRACE_ID });
      expect(completedLine).toMatchObject({ requestId: 'req-obs-1', traceId: TRACE_ID, res: { statusCode: 200 } });
      expect(completedLine?.req).toMatchObject({ headers: { authorization: '[redacted]' } });
      expect(logLines.join('\n')).not.toContain('secret-token');
      expect(logs().find((line) => line.visitId === 'v-1')).toMatchObject({
        level: 'debug',
        credentials: { user: 'rep-1', password: '[redacted]' },
      });
      expect(logLines.join('\n')).not.toContain('hunter2');
    });

    it('logs an unknown error with the error id the client got, and its stack', async () => {
      logLines.length = 0;
      const response = await app.inject({ method: 'GET', url: '/visits/broken/now', headers: { 'x-request-id': 'req-obs-2' } });

      const { errorId } = response.json();
      const errorLine = logs().find((line) => line.msg === 'unhandled error');
      expect(errorLine).toMatchObject({ level: 'error', errorId, requestId: 'req-obs-2', context: 'ProblemDetailsFilter' });
      expect(errorLine?.err).toMatchObject({ message: 'connect ECONNREFUSED 10.0.0.7:5432', stack: expect.stringContaining('at ') });
      expect(response.body).not.toContain('ECONNREFUSED');
    });

    it('starts a trace for a request without traceparent', async () => {
      const first = (await app.inject({ method: 'GET', url: '/visits/v-2' })).json();
      const second = (await app.inject({ method: 'GET', url: '/visits/v-3' })).json();

      expect(first.traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(second.traceId).not.toBe(first.traceId);
    });

    it('exposes the request duration histogram labelled by route pattern and status', async () => {
      await app.inject({ method: 'GET', url: '/visits/v-4' });
      await app.inject({ method: 'GET', url: '/no-such-route/123' });

      const response = await app.inject({ method: 'GET', url: '/metrics' });

      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toContain('text/plain');
      const metrics = response.body;
      const visitCount = countOf(metrics, { method: 'GET', route: '/visits/:id', status_code: '200', service: 'sample' });
      expect(visitCount).toBeGreaterThanOrEqual(1);
      expect(countOf(metrics, { route: 'unmatched', status_code: '404' })).toBe(1);
      expect(metrics).not.toContain('/visits/v-4');
      expect(metrics).toContain('process_cpu_user_seconds_total{service="sample"}');
    });
  });

  describe('with Redis and Kafka unreachable', () => {
    let app: NestFastifyApplication;

    beforeAll(async () => {
      const config = sampleConfig({ REDIS_URL: 'redis://127.0.0.1:1', KAFKA_BROKERS: '127.0.0.1:1' });
      const module = sampleAppModule(config, { health: { postgres: true, redis: true, kafka: true, timeoutMs: 500 } });
      app = await createServiceApp(module, config, OPEN_API);
    });

    afterAll(async () => {
      await app.close();
    });

    it('answers /health/ready with 503 naming the dependencies that are down', async () => {
      const response = await app.inject({ method: 'GET', url: '/health/ready' });

      expect(response.statusCode).toBe(503);
      const body = response.json();
      expect(body.status).toBe('error');
      expect(body.info).toEqual({ postgres: { status: 'up' } });
      expect(body.error.redis).toMatchObject({ status: 'down', message: expect.any(String) });
      expect(body.error.kafka).toMatchObject({ status: 'down', message: expect.any(String) });
    });

    it('stays live while dependencies are down', async () => {
      const response = await app.inject({ method: 'GET', url: '/health/live' });

      expect(response.statusCode).toBe(200);
    });
  });
});
