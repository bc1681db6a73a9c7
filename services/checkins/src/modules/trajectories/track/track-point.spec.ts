import { MAX_CLOCK_AHEAD_MS, PointRejection, validateTrackPoints } from './track-point';

const NOW = new Date('2025-05-06T12:00:00Z');
const point = (overrides: Record<string, unknown> = {}) => ({ seq: 1, lat: 52.52, lng: 13.405, accuracyM: 5, capturedAt: '2025-05-06T11:59:00Z', ...overrides });
const reasonOf = (raw: unknown) => validateTrackPoints([raw], NOW).rejected[0]?.reason;

describe(validateTrackPoints.name, () => {
  it('keys a point by its id in lower case, or by its seq, so a replay finds the same key', () => {
    const id = '0190D6A4-5C3E-7B1A-8F00-3C1D2E4F5A6B';
    const { valid } = validateTrackPoints([point({ seq: undefined, id }), point({ seq: 42 })], NOW);

    expect(valid.map((p) => p.pointKey)).toEqual([id.toLowerCase(), 'seq:42']);
  });

  it('normalises the capture time to UTC milliseconds and names its UTC day', () => {
    const [valid] = validateTrackPoints([point({ capturedAt: '2025-05-06T01:30:00.5+02:00' })], NOW).valid;

    expect(valid).toMatchObject({ capturedAtIso: '2025-05-05T23:30:00.500Z', day: '2025-05-05', speedMps: null, isMock: false });
  });

  it('accepts a device clock a little ahead, but not more than the allowance', () => {
    const ahead = (ms: number) => new Date(NOW.getTime() + ms).toISOString();
    expect(reasonOf(point({ capturedAt: ahead(MAX_CLOCK_AHEAD_MS) }))).toBeUndefined();
    expect(reasonOf(point({ capturedAt: ahead(MAX_CLOCK_AHEAD_MS + 1) }))).toBe(PointRejection.CapturedInFuture);
  });

  it.each([
    [{ capturedAt: '2025-05-06T11:59:00' }, PointRejection.InvalidCapturedAt],
    [{ capturedAt: 1746532740000 }, PointRejection.InvalidCapturedAt],
    [{ lat: '52.5' }, PointRejection.InvalidLat],
    [{ lng: 180.5 }, PointRejection.InvalidLng],
    [{ accuracyM: Number.NaN }, PointRejection.InvalidAccuracy],
    [{ speedMps: -1 }, PointRejection.InvalidSpeed],
    [{ headingDeg: 361 }, PointRejection.InvalidHeading],
    [{ isMock: 'yes' }, PointRejection.InvalidIsMock],
    [{ seq: 1.5 }, PointRejection.InvalidSeq],
    [{ seq: undefined, id: 'point-1' }, PointRejection.InvalidId],
  ])('rejects %j as %s', (overrides, reason) => {
    expect(reasonOf(point(overrides))).toBe(reason);
  });

  it('takes missing optional values as unknown, and null speed and heading too', () => {
    const [valid] = validateTrackPoints([point({ speedMps: null, headingDeg: null, isMock: true })], NOW).valid;
    expect(valid).toMatchObject({ speedMps: null, headingDeg: null, isMock: true });
  });
});
