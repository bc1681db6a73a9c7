/** A valid template create body: weekly visits of grade A with check-in, two shelf photos and check-out; `overrides` replace fields. */
export const templateInput = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  name: 'Key accounts',
  grades: ['A'],
  frequency: { every: 1, unit: 'week' },
  expectedDurationMinutes: 30,
  geofenceRadiusMeters: 150,
  steps: [
    { key: 'arrive', type: 'check-in', required: true },
    { key: 'shelf', type: 'photo', required: true, minCount: 2 },
    { key: 'leave', type: 'check-out', required: true },
  ],
  ...overrides,
});
