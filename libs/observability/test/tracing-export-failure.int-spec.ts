import { Module } from '@nestjs/common';
import { createServiceApp } from '@fieldforce/platform';
import { OtlpCollector } from '@fieldforce/testing';
import { ObservabilityModule, activeTracing } from '../src';
import { sampleConfig } from './sample-app';

// A file of its own: the app's log lines are read, and nestjs-pino keeps the first app's logger per process.
describe('Tracing with an unreachable collector', () => {
  it('logs the failed export and still shuts down', async () => {
    const unreachable = await OtlpCollector.start();
    const endpoint = unreachable.endpoint;
    await unreachable.close();
    const logLines: string[] = [];
    const config = sampleConfig({ LOG_LEVEL: 'info', OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_ENDPOINT: endpoint });
    @Module({
      imports: [
        ObservabilityModule.forService({ service: 'sample', logDestination: { write: (line: string) => void logLines.push(line) } }),
      ],
    })
    class TracedSampleModule {}
    const app = await createServiceApp(TracedSampleModule, config, { openApi: { title: 'Sample', version: '1.0.0' } });
    await app.inject({ method: 'GET', url: '/health/live' });

    await app.close();

    const lines = logLines.map((line) => JSON.parse(line) as { level: string; msg: string });
    expect(lines.map((line) => line.msg)).toContain(`tracing as sample: otlp to ${endpoint}, ratio 1`);
    const reports = lines.filter((line) => line.msg.startsWith('OpenTelemetry:'));
    expect(reports.map((line) => line.level)).toContain('error');
    expect(JSON.stringify(reports)).toContain('ECONNREFUSED');
    expect(activeTracing()).toBeUndefined();
  });
});
