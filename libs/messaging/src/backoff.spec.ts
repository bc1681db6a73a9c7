import { backoffDelay, sleep } from './backoff';

describe(backoffDelay.name, () => {
  const options = { initialMs: 100, maxMs: 2_000 };

  it('doubles per attempt up to the cap', () => {
    const top = () => 1;
    expect([1, 2, 3, 4, 5, 6].map((attempt) => backoffDelay(attempt, options, top))).toEqual([100, 200, 400, 800, 1600, 2000]);
  });

  it('jitters between half and all of the exponential delay', () => {
    expect(backoffDelay(3, options, () => 0)).toBe(200);
    expect(backoffDelay(3, options, () => 0.5)).toBe(300);
  });
});

describe(sleep.name, () => {
  it('resolves at once when its signal aborts', async () => {
    const controller = new AbortController();
    const slept = sleep(60_000, controller.signal);
    controller.abort();
    await expect(slept).resolves.toBeUndefined();
  });
});
