import { canonicalInstantMs, MAX_CLOCK_AHEAD_MS, PointRejection, validateTrackPoints } from './track-point';

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

    expect(valid).toMatchObject({ capturedAtMs: Date.parse('2025-05-05T23:30:00.500Z'), day: '2025-05-05', speedMps: null, isMock: false });
  });

  it('reads capture times in every accepted form to the instant Date reads, and names the UTC day', () => {
    const forms = [
      '2025-05-06T11:59:00.123Z',
      '2024-02-29T23:59:59.999Z',
      '2025-12-31T00:00:00.000Z',
      '2025-05-06T11:59Z',
      '2025-05-06T11:59:00Z',
      '2025-05-06T13:59:00.1234+02:00',
      '2025-05-06T11:59:00.000-00:30',
    ];
    const { valid, rejected } = validateTrackPoints(
      forms.map((capturedAt, seq) => point({ seq, capturedAt })),
      new Date('2026-01-01T00:00:00Z'),
    );

    expect(rejected).toEqual([]);
    expect(valid.map((p) => p.capturedAtMs)).toEqual(forms.map((form) => new Date(form).getTime()));
    expect(valid.map((p) => p.day)).toEqual(forms.map((form) => new Date(form).toISOString().slice(0, 10)));
  });

  it('rejects capture times that name no real date or time, which Date would roll over', () => {
    const impossible = ['2025-02-30T10:00:00.000Z', '2025-02-29T10:00:00+02:00', '2025-04-31T00:00Z', '2025-05-06T24:00:00Z', '2025-05-06T11:60:00.5-01:00', '2025-13-01T00:00:00Z'];
    const { valid, rejected } = validateTrackPoints(
      impossible.map((capturedAt, seq) => point({ seq, capturedAt })),
      new Date('2026-01-01T00:00:00Z'),
    );

    expect(valid).toEqual([]);
    expect(rejected.map((rejection) => rejection.reason)).toEqual(impossible.map(() => PointRejection.InvalidCapturedAt));
  });

  it.each([
    [{ seq: undefined }, PointRejection.KeyMissing, 'a point needs an id or a seq'],
    [{ id: '0190d6a4-5c3e-7b1a-8f00-3c1d2e4f5a6b' }, PointRejection.KeyAmbiguous, 'give either id or seq, not both'],
    [{ altitudeM: 30 }, PointRejection.UnknownField, 'unknown field altitudeM'],
    [{ capturedAt: '2025-05-06T11:59:00.000z' }, PointRejection.InvalidCapturedAt, 'capturedAt must be an ISO 8601 instant with a time zone'],
    [{ capturedAt: '2025-05-06T25:00:00.000Z' }, PointRejection.InvalidCapturedAt, 'capturedAt must be an ISO 8601 instant with a time zone'],
    [{ capturedAt: '2025-05-06 11:59:00.000Z' }, PointRejection.InvalidCapturedAt, 'capturedAt must be an ISO 8601 instant with a time zone'],
    [{ capturedAt: '2025-05-06T12:06:00.000Z' }, PointRejection.CapturedInFuture, 'capturedAt lies in the future; check the device clock'],
  ])('rejects %j as %s with a message saying why', (overrides, reason, message) => {
    expect(validateTrackPoints([point(overrides)], NOW).rejected).toEqual([{ index: 0, reason, message }]);
  });

  it('reports each bad point at its index, first problem only, and keeps the good ones in order', () => {
    const { valid, rejected } = validateTrackPoints([point({ seq: 1 }), null, [], point({ seq: 2, lat: 91, lng: 181 }), point({ seq: 3 })], NOW);

    expect(valid.map((p) => [p.index, p.pointKey])).toEqual([
      [0, 'seq:1'],
      [4, 'seq:3'],
    ]);
    expect(rejected.map(({ index, reason }) => [index, reason])).toEqual([
      [1, PointRejection.NotAnObject],
      [2, PointRejection.NotAnObject],
      [3, PointRejection.InvalidLat],
    ]);
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

describe(canonicalInstantMs.name, () => {
  it('reads toISOString text by hand to the same instant as Date, across years, month ends and leap days', () => {
    const instants = [0, Date.UTC(1999, 11, 31, 23, 59, 59, 999), Date.UTC(2000, 1, 29, 12), Date.UTC(2100, 1, 28, 23, 59), Date.UTC(9999, 11, 31)];
    // A deterministic spread of instants from 1970 to about 2100.
    for (let i = 1; i <= 2_000; i += 1) instants.push(Math.floor((i * 2_654_435_761) % 4_102_444_800_000));
    for (const ms of instants) expect(canonicalInstantMs(new Date(ms).toISOString())).toBe(ms);
  });

  it('leaves any other text to the Date parser', () => {
    for (const text of [
      '2025-05-06T11:59:00Z',
      '2025-05-06T11:59:00.1Z',
      '2025-05-06T11:59:00.000+00:00',
      '2025-02-29T00:00:00.000Z',
      '2025-04-31T00:00:00.000Z',
      '2025-00-10T00:00:00.000Z',
      '2025-05-00T00:00:00.000Z',
      '2025-05-06T24:00:00.000Z',
      '2025-05-06T11:60:00.000Z',
      '2025-05-06T11:59:60.000Z',
      '0999-05-06T11:59:00.000Z',
      '2025-05-06T1a:59:00.000Z',
      '+02025-05-06T11:59:00.000Z',
    ]) {
      expect(canonicalInstantMs(text)).toBeUndefined();
    }
  });
});
