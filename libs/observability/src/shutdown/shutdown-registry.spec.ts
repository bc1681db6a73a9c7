import { Logger } from '@nestjs/common';
import { ShutdownRegistry } from './shutdown-registry';

describe(ShutdownRegistry.name, () => {
  beforeAll(() => Logger.overrideLogger(false));

  const farDeadline = (): number => Date.now() + 60_000;

  it('runs the phases in order, whatever the order of registration', async () => {
    const registry = new ShutdownRegistry();
    const ran: string[] = [];
    registry.register('close-connections', 'pool', () => void ran.push('close-connections'));
    registry.register('flush-outbox', 'relay', () => void ran.push('flush-outbox'));
    registry.register('stop-consumers', 'consumer', async () => {
      await new Promise((resolve) => setImmediate(resolve));
      ran.push('stop-consumers');
    });

    await registry.runPhases(farDeadline());

    expect(ran).toEqual(['stop-consumers', 'flush-outbox', 'close-connections']);
  });

  it('goes on with the other hooks when one fails', async () => {
    const registry = new ShutdownRegistry();
    const ran: string[] = [];
    registry.register('stop-consumers', 'broken consumer', () => Promise.reject(new Error('broker gone')));
    registry.register('stop-consumers', 'consumer', () => void ran.push('consumer'));
    registry.register('flush-outbox', 'relay', () => void ran.push('relay'));

    await registry.runPhases(farDeadline());

    expect(ran).toEqual(['consumer', 'relay']);
  });

  it('abandons the rest at the deadline instead of waiting for a hung hook', async () => {
    const registry = new ShutdownRegistry();
    const ran: string[] = [];
    registry.register('stop-consumers', 'hung consumer', () => new Promise<void>(() => undefined));
    registry.register('flush-outbox', 'relay', () => void ran.push('relay'));

    await registry.runPhases(Date.now() + 20);

    expect(ran).toEqual([]);
  });

  it('forgets a hook that unregistered itself', async () => {
    const registry = new ShutdownRegistry();
    const ran: string[] = [];
    const unregister = registry.register('stop-consumers', 'consumer', () => void ran.push('consumer'));
    unregister();

    await registry.runPhases(farDeadline());

    expect(ran).toEqual([]);
  });

  it('reports shutting down only once shutdown has begun', () => {
    const registry = new ShutdownRegistry();
    expect(registry.isShuttingDown).toBe(false);

    registry.beginShutdown();

    expect(registry.isShuttingDown).toBe(true);
  });
});
