import { Controller, Get, Injectable, Module, type OnModuleInit } from '@nestjs/common';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { createServiceApp } from '@fieldforce/platform';
import { ObservabilityModule, ShutdownRegistry } from '../src';
import { sampleConfig } from './sample-app';

const OPEN_API = { openApi: { title: 'Sample', version: '1.0.0' } };

/** What happened, in order, during one app's life. */
class Timeline {
  readonly events: string[] = [];
  releaseSlowRequest: () => void = () => undefined;
}

function sampleModule(timeline: Timeline): { module: new () => unknown } {
  @Controller('slow')
  class SlowController {
    @Get()
    async slow(): Promise<{ answered: boolean }> {
      timeline.events.push('slow request started');
      await new Promise<void>((resolve) => (timeline.releaseSlowRequest = resolve));
      timeline.events.push('slow request answered');
      return { answered: true };
    }
  }

  // Registers as the messaging lib does, deliberately in reverse phase order.
  @Injectable()
  class MessagingStandIn implements OnModuleInit {
    constructor(private readonly registry: ShutdownRegistry) {}

    onModuleInit(): void {
      this.registry.register('close-connections', 'extra pool', () => void timeline.events.push('close-connections'));
      this.registry.register('flush-outbox', 'outbox relay', () => void timeline.events.push('flush-outbox'));
      this.registry.register('stop-consumers', 'consumers', () => void timeline.events.push('stop-consumers'));
    }
  }

  @Module({
    imports: [ObservabilityModule.forService({ service: 'sample' })],
    controllers: [SlowController],
    providers: [MessagingStandIn],
  })
  class SampleModule {}
  return { module: SampleModule };
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 10));
}

describe(ShutdownRegistry.name, () => {
  it('turns readiness to 503, drains in-flight HTTP, then runs the phases in order', async () => {
    const timeline = new Timeline();
    const drainDelayMs = 1_000;
    const config = sampleConfig({ SHUTDOWN_DRAIN_DELAY_MS: String(drainDelayMs), SHUTDOWN_TIMEOUT_MS: '10000' });
    const app: NestFastifyApplication = await createServiceApp(sampleModule(timeline), config, OPEN_API);
    await app.listen({ host: '127.0.0.1', port: 0 });
    const url = await app.getUrl();
    const registry = app.get(ShutdownRegistry);

    const slowResponse = fetch(`${url}/slow`);
    await until(() => timeline.events.includes('slow request started'));
    const closing = app.close();
    await until(() => registry.isShuttingDown);
    const ready = await fetch(`${url}/health/ready`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ status: 'shutting_down' });

    // Past the drain delay HTTP is closing, but the in-flight request holds the later phases back.
    await new Promise((resolve) => setTimeout(resolve, drainDelayMs + 200));
    expect(timeline.events).toEqual(['slow request started']);
    timeline.releaseSlowRequest();

    const slow = await slowResponse;
    expect(slow.status).toBe(200);
    expect(await slow.json()).toEqual({ answered: true });
    await closing;
    expect(timeline.events).toEqual([
      'slow request started',
      'slow request answered',
      'stop-consumers',
      'flush-outbox',
      'close-connections',
    ]);
  });

  it('finishes within SHUTDOWN_TIMEOUT_MS when a hook hangs', async () => {
    const timeline = new Timeline();
    const config = sampleConfig({ SHUTDOWN_TIMEOUT_MS: '200' });
    const app = await createServiceApp(sampleModule(timeline), config, OPEN_API);
    app.get(ShutdownRegistry).register('stop-consumers', 'hung consumer', () => new Promise<void>(() => undefined));

    await app.close();

    expect(timeline.events).toEqual(['stop-consumers']);
  });
});
