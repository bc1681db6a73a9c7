import { laneOf, OUTBOX_LANES, outboxChannel } from './messaging-tables';

describe(laneOf.name, () => {
  it('puts every key in one stable lane', () => {
    // Pinned values: a lane must never change for a key, or pending rows of it would split.
    expect(laneOf('0190d6a4-5c3e-7b1a-8f00-3c1d2e4f5a6b')).toBe(laneOf('0190d6a4-5c3e-7b1a-8f00-3c1d2e4f5a6b'));
    expect([laneOf(''), laneOf('a'), laneOf('customer-1')]).toEqual([5, 44, 23]);
  });

  it('spreads keys over all lanes', () => {
    const lanes = new Set(Array.from({ length: 2_000 }, (_, i) => laneOf(`customer-${i}`)));
    expect(lanes.size).toBe(OUTBOX_LANES);
    expect(Math.min(...lanes)).toBe(0);
    expect(Math.max(...lanes)).toBe(OUTBOX_LANES - 1);
  });
});

describe(outboxChannel.name, () => {
  it('names the NOTIFY channel after the schema and refuses unsafe schema names', () => {
    expect(outboxChannel('customers')).toBe('customers_outbox');
    expect(() => outboxChannel('customers"; DROP TABLE x; --')).toThrow(/Invalid schema name/);
  });
});
