// Cost of tracing on the HTTP hot path: the same service app (ObservabilityModule, one route that
// also asks for an outgoing traceparent, as the gateway's proxy does) answering in-process
// requests with OTEL_TRACES_EXPORTER=none (the default: no SDK started) and with tracing on
// (every span recorded and handed to an exporter that drops it, so only the SDK's own work counts),
// alternating for several rounds in one run; the medians are compared.
//
//   node -r @swc-node/register bench/observability/tracing.ts
//   BENCH_REQUESTS=20000 BENCH_ROUNDS=5 (defaults)
import 'reflect-metadata';
import { performance } from 'node:perf_hooks';
import { Controller, Get, Module, Param, Req } from '@nestjs/common';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { type FastifyRequest } from 'fastify';
import { ObservabilityModule, outgoingTraceparent } from '@fieldforce/observability';
import { BaseServiceEnv, createServiceApp, loadConfig, toServiceConfig } from '@fieldforce/platform';
import { median } from '../stats';

const REQUESTS = Number(process.env['BENCH_REQUESTS'] ?? 20_000);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 5);
const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

class BenchEnv extends BaseServiceEnv {
  override PORT = 3990;
  override DATABASE_URL = 'postgres://unused@127.0.0.1:5432/unused';
}

/** Counts the spans it is given and keeps none. */
class DroppingExporter implements SpanExporter {
  spans = 0;

  export(spans: ReadableSpan[], done: Parameters<SpanExporter['export']>[1]): void {
    this.spans += spans.length;
    // ExportResultCode.SUCCESS
    done({ code: 0 });
  }

  async shutdown(): Promise<void> {}
}

@Controller('visits')
class BenchController {
  @Get(':id')
  findOne(@Param('id') id: string, @Req() request: FastifyRequest): { id: string; upstream: string } {
    return { id, upstream: outgoingTraceparent(request.raw, 'customers') };
  }
}

async function createApp(exporter: 'none' | 'console', spanExporter: SpanExporter): Promise<NestFastifyApplication> {
  const config = loadConfig(BenchEnv, (env) => toServiceConfig('bench', env), {
    LOG_LEVEL: 'silent',
    NODE_ENV: 'production',
    OTEL_TRACES_EXPORTER: exporter,
  });
  @Module({ imports: [ObservabilityModule.forService({ service: 'bench', spanExporter })], controllers: [BenchController] })
  class BenchModule {}
  return createServiceApp(BenchModule, config, { openApi: { title: 'bench', version: '1' } });
}

async function requestsPerSecond(app: NestFastifyApplication, requests: number): Promise<number> {
  const started = performance.now();
  for (let sent = 0; sent < requests; sent += 1) {
    const response = await app.inject({ method: 'GET', url: `/visits/v-${sent}`, headers: { traceparent: TRACEPARENT } });
    if (response.statusCode !== 200) throw new Error(`answered ${response.statusCode}`);
  }
  return requests / ((performance.now() - started) / 1000);
}

async function main(): Promise<void> {
  const off: number[] = [];
  const on: number[] = [];
  let recorded = 0;
  for (let round = 1; round <= ROUNDS; round += 1) {
    // One app at a time: tracing is one provider per process.
    for (const mode of round % 2 === 0 ? (['on', 'off'] as const) : (['off', 'on'] as const)) {
      const exporter = new DroppingExporter();
      const app = await createApp(mode === 'on' ? 'console' : 'none', exporter);
      await requestsPerSecond(app, Math.min(2_000, REQUESTS));
      const rate = await requestsPerSecond(app, REQUESTS);
      await app.close();
      (mode === 'on' ? on : off).push(rate);
      if (mode === 'on') recorded += exporter.spans;
      else if (exporter.spans > 0) throw new Error('tracing off recorded spans');
      process.stdout.write(`round ${round} tracing ${mode}: ${rate.toFixed(0)} req/s\n`);
    }
  }
  const [offRate, onRate] = [median(off), median(on)];
  process.stdout.write(
    `\nmedian of ${ROUNDS} rounds of ${REQUESTS} requests: off ${offRate.toFixed(0)} req/s, on ${onRate.toFixed(0)} req/s` +
      ` (${recorded} spans recorded)\ntracing on = ${((onRate / offRate) * 100).toFixed(1)} % of the throughput with tracing off; ` +
      `${((1 / onRate - 1 / offRate) * 1e6).toFixed(1)} µs more per request (a server and a client span)\n`,
  );
}

void main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
