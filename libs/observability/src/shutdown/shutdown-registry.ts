import { Injectable, Logger } from '@nestjs/common';

/**
 * The phases that run after HTTP has drained, in this order. Connections to Postgres and Redis
 * close after all of them (their modules close on Nest's application shutdown).
 */
export const SHUTDOWN_PHASES = ['stop-consumers', 'flush-outbox', 'close-connections'] as const;
export type ShutdownPhase = (typeof SHUTDOWN_PHASES)[number];

export type ShutdownHook = () => Promise<void> | void;

interface RegisteredHook {
  phase: ShutdownPhase;
  name: string;
  run: ShutdownHook;
}

/**
 * Where libraries register what must happen at shutdown (the messaging lib: stop consumers,
 * flush the outbox relay), and the readiness flag that turns `/health/ready` to 503 first.
 */
@Injectable()
export class ShutdownRegistry {
  private readonly logger = new Logger(ShutdownRegistry.name);
  private readonly hooks: RegisteredHook[] = [];
  private shuttingDown = false;

  /** True once shutdown has begun; readiness answers 503 from then on. */
  get isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  /** Registers a hook for a phase; returns a function that unregisters it. */
  register(phase: ShutdownPhase, name: string, run: ShutdownHook): () => void {
    const hook = { phase, name, run };
    this.hooks.push(hook);
    return () => {
      const index = this.hooks.indexOf(hook);
      if (index >= 0) this.hooks.splice(index, 1);
    };
  }

  /** Marks the service as shutting down (not ready). */
  beginShutdown(): void {
    this.shuttingDown = true;
  }

  /**
   * Runs the phases in order (hooks of one phase together) until `deadline` (epoch ms).
   * A failing hook is logged and does not stop the others; at the deadline the rest is abandoned.
   */
  async runPhases(deadline: number): Promise<void> {
    for (const phase of SHUTDOWN_PHASES) {
      const hooks = this.hooks.filter((hook) => hook.phase === phase);
      if (hooks.length === 0) continue;
      const finished = await this.runUntil(hooks, deadline);
      if (!finished) {
        const pending = this.hooks.filter((hook) => SHUTDOWN_PHASES.indexOf(hook.phase) >= SHUTDOWN_PHASES.indexOf(phase));
        this.logger.error(
          `shutdown timed out in phase ${phase}; abandoned: ${pending.map((hook) => hook.name).join(', ')}`,
        );
        return;
      }
    }
  }

  private async runUntil(hooks: RegisteredHook[], deadline: number): Promise<boolean> {
    const all = Promise.all(hooks.map((hook) => this.runOne(hook))).then(() => true);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), Math.max(0, deadline - Date.now()));
    });
    try {
      return await Promise.race([all, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async runOne(hook: RegisteredHook): Promise<void> {
    try {
      await hook.run();
    } catch (error) {
      this.logger.error({ err: error }, `shutdown hook ${hook.name} (${hook.phase}) failed`);
    }
  }
}
