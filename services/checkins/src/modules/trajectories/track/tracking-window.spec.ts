import { TRACKING_PRIVACY_OFF, trackingAllowed, type WorkingHours, withinWorkingHours } from './tracking-window';

const office: WorkingHours = { timeZone: 'Europe/Berlin', days: [1, 2, 3, 4, 5], start: '08:00', end: '18:00' };

describe(withinWorkingHours.name, () => {
  it('reads the hours on the wall clock of the time zone, start inclusive and end exclusive', () => {
    // Monday 2026-12-07: Berlin is UTC+1 in winter.
    expect(withinWorkingHours(new Date('2026-12-07T06:59:59Z'), office)).toBe(false);
    expect(withinWorkingHours(new Date('2026-12-07T07:00:00Z'), office)).toBe(true);
    expect(withinWorkingHours(new Date('2026-12-07T16:59:00Z'), office)).toBe(true);
    expect(withinWorkingHours(new Date('2026-12-07T17:00:00Z'), office)).toBe(false);
  });

  it('follows daylight saving time and the working days', () => {
    // Monday 2026-07-06: UTC+2 in summer, so 06:30 UTC is 08:30 in Berlin.
    expect(withinWorkingHours(new Date('2026-07-06T06:30:00Z'), office)).toBe(true);
    expect(withinWorkingHours(new Date('2026-07-06T16:30:00Z'), office)).toBe(false);
    // Saturday and Sunday at noon.
    expect(withinWorkingHours(new Date('2026-12-05T11:00:00Z'), office)).toBe(false);
    expect(withinWorkingHours(new Date('2026-12-06T11:00:00Z'), office)).toBe(false);
  });

  it('gives a shift over midnight to the day it starts on', () => {
    const night: WorkingHours = { timeZone: 'UTC', days: [5], start: '22:00', end: '06:00' };

    expect(withinWorkingHours(new Date('2026-12-04T21:59:00Z'), night)).toBe(false); // Friday before the shift
    expect(withinWorkingHours(new Date('2026-12-04T22:00:00Z'), night)).toBe(true); // Friday night
    expect(withinWorkingHours(new Date('2026-12-05T05:59:00Z'), night)).toBe(true); // Saturday morning, Friday's shift
    expect(withinWorkingHours(new Date('2026-12-05T06:00:00Z'), night)).toBe(false);
    expect(withinWorkingHours(new Date('2026-12-05T22:30:00Z'), night)).toBe(false); // Saturday is no working day
    expect(withinWorkingHours(new Date('2026-12-04T03:00:00Z'), night)).toBe(false); // Thursday's night: none
  });
});

describe(trackingAllowed.name, () => {
  const visit = { from: new Date('2026-12-05T10:00:00Z'), to: new Date('2026-12-05T10:45:00Z') };
  const saturdayDuringVisit = new Date('2026-12-05T10:30:00Z');
  const saturdayAfterVisit = new Date('2026-12-05T11:00:00Z');
  const mondayMorning = new Date('2026-12-07T08:00:00Z');

  it('stores everything while the setting is off', () => {
    expect(trackingAllowed(saturdayAfterVisit, TRACKING_PRIVACY_OFF, [])).toBe(true);
  });

  it('stores points in the working hours or during a visit, whichever the tenant chose', () => {
    const both = { enabled: true, workingHours: office, duringVisits: true };
    const hoursOnly = { ...both, duringVisits: false };
    const visitsOnly = { ...both, workingHours: null };

    expect([saturdayDuringVisit, saturdayAfterVisit, mondayMorning].map((at) => trackingAllowed(at, both, [visit]))).toEqual([true, false, true]);
    expect([saturdayDuringVisit, mondayMorning].map((at) => trackingAllowed(at, hoursOnly, [visit]))).toEqual([false, true]);
    expect([saturdayDuringVisit, mondayMorning].map((at) => trackingAllowed(at, visitsOnly, [visit]))).toEqual([true, false]);
  });
});
