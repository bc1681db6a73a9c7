import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { createServiceApp } from '@fieldforce/platform';
import { LeanRequestLog } from '../src/logging/lean-request-log';
import { sampleAppModule, sampleConfig } from './sample-app';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const OPEN_API = { openApi: { title: 'Sample', version: '1.0.0' } };

describe(LeanRequestLog.name, () => {
  const logLines: string[] = [];
  const completed = (requestId: string): Array<Record<string, unknown>> =>
    logLines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((line) => line.msg === 'request completed' && line.requestId === requestId);
  let apps: NestFastifyApplication[] = [];

  const start = async (logLevel: string): Promise<NestFastifyApplication> => {
    const config = sampleConfig({ LOG_LEVEL: logLevel });
    const app = await createServiceApp(sampleAppModule(config, { health: {}, logLines, leanRequestLogPrefixes: ['/visits/lean'] }), config, OPEN_API);
    apps.push(app);
    return app;
  };

  afterEach(async () => {
    await Promise.all(apps.map((app) => app.close()));
    apps = [];
    logLines.length = 0;
  });

  it('logs a request under a lean prefix once, in the shape of pino-http lines with headers redacted, and other requests as before', async () => {
    const app = await start('info');

    await app.inject({
      method: 'GET',
      url: '/visits/lean?day=1',
      headers: { 'x-request-id': 'req-lean-1', traceparent: `00-${TRACE_ID}-00f067aa0ba902b7-01`, authorization: 'Bearer secret-token' },
    });
    await app.inject({ method: 'GET', url: '/visits/v-1', headers: { 'x-request-id': 'req-full-1', authorization: 'Bearer secret-token' } });

    expect(completed('req-lean-1')).toEqual([
      expect.objectContaining({
        level: 'info',
        service: 'sample',
        traceId: TRACE_ID,
        req: expect.objectContaining({ method: 'GET', url: '/visits/lean?day=1', headers: expect.objectContaining({ authorization: '[redacted]' }) }),
        res: expect.objectContaining({ statusCode: 200 }),
        responseTime: expect.any(Number),
      }),
    ]);
    // pino-http's line, with the request's headers redacted.
    expect(completed('req-full-1')).toEqual([expect.objectContaining({ req: expect.objectContaining({ headers: expect.objectContaining({ authorization: '[redacted]' }) }) })]);
    expect(logLines.join('\n')).not.toContain('secret-token');
  });

  it('writes only the lines whose level is enabled: refusals at warn, successes not', async () => {
    const app = await start('warn');

    await app.inject({ method: 'GET', url: '/visits/lean', headers: { 'x-request-id': 'req-lean-ok' } });
    await app.inject({ method: 'GET', url: '/visits/lean/no/such/route', headers: { 'x-request-id': 'req-lean-404' } });

    expect(completed('req-lean-ok')).toEqual([]);
    expect(completed('req-lean-404')).toEqual([expect.objectContaining({ level: 'warn', res: expect.objectContaining({ statusCode: 404 }) })]);
  });
});
