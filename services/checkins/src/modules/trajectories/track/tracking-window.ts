/**
 * A tenant's tracking privacy: when it is on, a track point is stored only if it was captured
 * inside the working hours or during one of the user's visits (between a check-in and its
 * check-out). Decided per point from its capture time, so an offline batch sent in the evening
 * keeps the points of the working day.
 */
export interface WorkingHours {
  /** IANA time zone the hours are read in. */
  timeZone: string;
  /** ISO weekdays the hours apply on: 1 = Monday … 7 = Sunday. */
  days: number[];
  /** `HH:MM`, inclusive. */
  start: string;
  /** `HH:MM`, exclusive; earlier than `start` for a shift over midnight (it belongs to the day it starts on). */
  end: string;
}

export interface TrackingPrivacy {
  enabled: boolean;
  workingHours: WorkingHours | null;
  duringVisits: boolean;
}

export const TRACKING_PRIVACY_OFF: TrackingPrivacy = { enabled: false, workingHours: null, duringVisits: false };

/** A visit of the user: from the check-in's capture time to the check-out's (or a bound when still open). */
export interface VisitInterval {
  from: Date;
  to: Date;
}

export const HOURS_PATTERN = /^([01]\d|2[0-3]):[0-5]\d$/;

const formatters = new Map<string, Intl.DateTimeFormat>();
const WEEKDAYS: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

/** The ISO weekday and minutes since midnight of `at` on the wall clock of `timeZone`. */
function wallClock(at: Date, timeZone: string): { weekday: number; minutes: number } {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formatters.set(timeZone, formatter);
  }
  let weekday = 0;
  let hour = 0;
  let minute = 0;
  for (const part of formatter.formatToParts(at)) {
    if (part.type === 'weekday') weekday = WEEKDAYS[part.value] ?? 0;
    else if (part.type === 'hour') hour = Number(part.value);
    else if (part.type === 'minute') minute = Number(part.value);
  }
  return { weekday, minutes: hour * 60 + minute };
}

const minutesOf = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
const previousWeekday = (weekday: number): number => (weekday === 1 ? 7 : weekday - 1);

/** Whether `at` falls inside the working hours. */
export function withinWorkingHours(at: Date, hours: WorkingHours): boolean {
  const { weekday, minutes } = wallClock(at, hours.timeZone);
  const start = minutesOf(hours.start);
  const end = minutesOf(hours.end);
  if (start === end) return false;
  if (start < end) return hours.days.includes(weekday) && minutes >= start && minutes < end;
  // Over midnight: the evening part on a working day, the morning part after one.
  return (hours.days.includes(weekday) && minutes >= start) || (hours.days.includes(previousWeekday(weekday)) && minutes < end);
}

/** Whether the privacy setting lets a point captured at `at` be stored. */
export function trackingAllowed(at: Date, privacy: TrackingPrivacy, visits: readonly VisitInterval[]): boolean {
  if (!privacy.enabled) return true;
  if (privacy.workingHours && withinWorkingHours(at, privacy.workingHours)) return true;
  return privacy.duringVisits && visits.some((visit) => at >= visit.from && at <= visit.to);
}
