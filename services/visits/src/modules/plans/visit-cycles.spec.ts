import { cyclesInPeriod, daysInclusive, localDate } from './visit-cycles';

const span = (from: string, to: string, every: number, unit: 'week' | 'month') =>
  cyclesInPeriod(from, to, { every, unit }).map((cycle) => [cycle.startsOn, cycle.endsOn, cycle.dueOn]);

describe(cyclesInPeriod.name, () => {
  it('gives every Monday-to-Sunday week overlapping the period, the first and last due within it', () => {
    expect(span('2031-03-01', '2031-03-31', 1, 'week')).toEqual([
      ['2031-02-24', '2031-03-02', '2031-03-02'],
      ['2031-03-03', '2031-03-09', '2031-03-09'],
      ['2031-03-10', '2031-03-16', '2031-03-16'],
      ['2031-03-17', '2031-03-23', '2031-03-23'],
      ['2031-03-24', '2031-03-30', '2031-03-30'],
      ['2031-03-31', '2031-04-06', '2031-03-31'],
    ]);
  });

  it('carries a week across the year boundary as one cycle keyed by its Monday', () => {
    const cycles = cyclesInPeriod('2024-12-25', '2025-01-08', { every: 1, unit: 'week' });

    expect(cycles.map((cycle) => cycle.key)).toEqual(['1w:2024-12-23', '1w:2024-12-30', '1w:2025-01-06']);
    expect(cycles[1]).toMatchObject({ startsOn: '2024-12-30', endsOn: '2025-01-05' });
  });

  it('anchors every-2-weeks cycles on fixed weeks, so periods starting on different days agree on them', () => {
    const march = span('2031-03-01', '2031-03-31', 2, 'week');
    const fromMidMonth = span('2031-03-12', '2031-03-31', 2, 'week');

    expect(march).toEqual([
      ['2031-02-24', '2031-03-09', '2031-03-09'],
      ['2031-03-10', '2031-03-23', '2031-03-23'],
      ['2031-03-24', '2031-04-06', '2031-03-31'],
    ]);
    expect(fromMidMonth.map(([startsOn]) => startsOn)).toEqual(['2031-03-10', '2031-03-24']);
    expect(cyclesInPeriod('2031-03-05', '2031-03-05', { every: 2, unit: 'week' })[0]?.key).toBe('2w:2031-02-24');
  });

  it('ends monthly cycles on the last day of months of 28, 29, 30 and 31 days', () => {
    expect(span('2023-02-10', '2023-02-28', 1, 'month')).toEqual([['2023-02-01', '2023-02-28', '2023-02-28']]);
    expect(span('2024-02-01', '2024-05-31', 1, 'month')).toEqual([
      ['2024-02-01', '2024-02-29', '2024-02-29'],
      ['2024-03-01', '2024-03-31', '2024-03-31'],
      ['2024-04-01', '2024-04-30', '2024-04-30'],
      ['2024-05-01', '2024-05-31', '2024-05-31'],
    ]);
  });

  it('groups months of multi-month cycles from January and crosses the year boundary', () => {
    expect(span('2024-11-15', '2025-02-10', 2, 'month')).toEqual([
      ['2024-11-01', '2024-12-31', '2024-12-31'],
      ['2025-01-01', '2025-02-28', '2025-02-10'],
    ]);
    expect(cyclesInPeriod('2025-05-01', '2025-05-01', { every: 3, unit: 'month' })[0]).toMatchObject({ key: '3m:2025-04', endsOn: '2025-06-30' });
  });

  it('gives nothing for a period ending before it starts and refuses a non-date', () => {
    expect(cyclesInPeriod('2031-03-10', '2031-03-01', { every: 1, unit: 'week' })).toEqual([]);
    expect(() => cyclesInPeriod('2031-02-30', '2031-03-01', { every: 1, unit: 'month' })).toThrow(RangeError);
  });
});

describe(localDate.name, () => {
  it('keeps a bare calendar date as the local date', () => {
    expect(localDate('2031-03-01', 'Pacific/Auckland')).toBe('2031-03-01');
  });

  it('converts an instant to the date it falls on in the time zone, which may differ from the UTC date', () => {
    expect(localDate('2031-03-31T23:30:00Z', 'UTC')).toBe('2031-03-31');
    expect(localDate('2031-03-31T23:30:00Z', 'Europe/Berlin')).toBe('2031-04-01');
    expect(localDate('2031-03-01T03:00:00Z', 'America/Los_Angeles')).toBe('2031-02-28');
  });

  it('places an instant in the week of its local date', () => {
    // Sunday 23:30 UTC is already Monday in Berlin: the next week's cycle.
    const berlin = localDate('2031-03-09T23:30:00Z', 'Europe/Berlin');

    expect(cyclesInPeriod(berlin, berlin, { every: 1, unit: 'week' })[0]?.startsOn).toBe('2031-03-10');
  });
});

describe(daysInclusive.name, () => {
  it('counts both ends, across a leap day', () => {
    expect(daysInclusive('2024-02-01', '2024-03-01')).toBe(30);
    expect(daysInclusive('2031-03-01', '2031-03-01')).toBe(1);
  });
});
