/** Declares the order-dependent steps of one journey and tells whether one of them failed. */
export interface JourneySteps {
  step(name: string, run: () => Promise<void>, timeoutMs?: number): void;
  failed(): boolean;
}

/**
 * A step runs only when every step before it passed, so one failure is reported once instead of
 * as a cascade of timeouts waiting for what it never did.
 */
export function journeySteps(): JourneySteps {
  let declared = 0;
  let passed = 0;
  return {
    step(name, run, timeoutMs) {
      const index = declared;
      declared += 1;
      it(
        name,
        async () => {
          if (passed !== index) throw new Error(`not run: step ${passed + 1} of the journey failed`);
          await run();
          passed += 1;
        },
        timeoutMs,
      );
    },
    failed: () => passed < declared,
  };
}
