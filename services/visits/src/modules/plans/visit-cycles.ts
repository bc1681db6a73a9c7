import { type FrequencyUnit } from '../templates/dto/template.dto';

/** How often a customer is to be visited, as its template says. */
export interface Frequency {
  every: number;
  unit: FrequencyUnit;
}

/** One visit cycle of a frequency: its key (unique per customer), its local dates, and the due date within the asked period. */
export interface VisitCycle {
  key: string;
  startsOn: string;
  endsOn: string;
  dueOn: string;
}

const DAY_MS = 86_400_000;
// 1970-01-05 was a Monday. Counting weeks from one fixed Monday puts every-n-weeks cycles on the same
// weeks whichever period a generation asks for, so two overlapping runs agree on the cycles.
const EPOCH_MONDAY = Date.UTC(1970, 0, 5);
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Midnight UTC of a `YYYY-MM-DD` calendar date (calendar arithmetic only, no time zone involved). */
function toDay(date: string): number {
  const match = DATE.exec(date);
  if (!match) throw new RangeError(`not a calendar date: ${date}`);
  const [, year, month, day] = match;
  const ms = Date.UTC(Number(year), Number(month) - 1, Number(day));
  if (formatDay(ms) !== date) throw new RangeError(`not a calendar date: ${date}`);
  return ms;
}

function formatDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

const minDate = (a: string, b: string): string => (a < b ? a : b);

/** The number of days from `from` to `to` counting both, e.g. 31 for a whole month. */
export function daysInclusive(from: string, to: string): number {
  return Math.round((toDay(to) - toDay(from)) / DAY_MS) + 1;
}

/**
 * The calendar date `value` falls on in `timeZone`: a bare `YYYY-MM-DD` is already local and kept,
 * an instant (ISO date-time) is converted.
 */
export function localDate(value: string, timeZone: string): string {
  if (DATE.test(value)) {
    toDay(value);
    return value;
  }
  const instant = new Date(value);
  if (Number.isNaN(instant.getTime())) throw new RangeError(`not an ISO date or date-time: ${value}`);
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(instant);
  const part = (type: Intl.DateTimeFormatPartTypes): string => parts.find((candidate) => candidate.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')}`;
}

/**
 * The cycles of `frequency` that overlap the local period `from`..`to` (both included), in order:
 * weekly cycles start on Mondays, monthly ones on the 1st; each is due at its end, clipped to `to`.
 */
export function cyclesInPeriod(from: string, to: string, frequency: Frequency): VisitCycle[] {
  if (!Number.isInteger(frequency.every) || frequency.every < 1) throw new RangeError(`frequency every must be a positive integer, got ${frequency.every}`);
  const fromDay = toDay(from);
  if (toDay(to) < fromDay) return [];
  return frequency.unit === 'week' ? weeklyCycles(fromDay, to, frequency.every) : monthlyCycles(fromDay, to, frequency.every);
}

function weeklyCycles(fromDay: number, to: string, every: number): VisitCycle[] {
  const cycleDays = every * 7;
  const firstIndex = Math.floor((fromDay - EPOCH_MONDAY) / DAY_MS / cycleDays);
  const cycles: VisitCycle[] = [];
  for (let start = EPOCH_MONDAY + firstIndex * cycleDays * DAY_MS; formatDay(start) <= to; start += cycleDays * DAY_MS) {
    const startsOn = formatDay(start);
    const endsOn = formatDay(start + (cycleDays - 1) * DAY_MS);
    cycles.push({ key: `${every}w:${startsOn}`, startsOn, endsOn, dueOn: minDate(endsOn, to) });
  }
  return cycles;
}

function monthlyCycles(fromDay: number, to: string, every: number): VisitCycle[] {
  const start = new Date(fromDay);
  // Months count from year 0, so every 2 months pairs Jan–Feb, every 3 months gives calendar quarters.
  const fromMonth = start.getUTCFullYear() * 12 + start.getUTCMonth();
  const cycles: VisitCycle[] = [];
  for (let month = Math.floor(fromMonth / every) * every; ; month += every) {
    const startsOn = formatDay(Date.UTC(Math.floor(month / 12), month % 12, 1));
    if (startsOn > to) break;
    // Day 0 of the month after the cycle is the cycle's last day, whatever the month's length.
    const endsOn = formatDay(Date.UTC(Math.floor((month + every) / 12), (month + every) % 12, 0));
    cycles.push({ key: `${every}m:${startsOn.slice(0, 7)}`, startsOn, endsOn, dueOn: minDate(endsOn, to) });
  }
  return cycles;
}
