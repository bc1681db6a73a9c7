const DAY_MS = 86_400_000;
const DAY_FORMAT = /^\d{4}-\d{2}-\d{2}$/;

// Day names by epoch day: a batch of points mostly shares one or two days, formatted once.
const dayNames = new Map<number, string>();

/** The UTC calendar day of an instant, as `YYYY-MM-DD` (the unit of track partitions and retention). */
export function utcDay(instant: Date): string {
  const epochDay = Math.floor(instant.getTime() / DAY_MS);
  let name = dayNames.get(epochDay);
  if (name === undefined) {
    name = new Date(epochDay * DAY_MS).toISOString().slice(0, 10);
    if (dayNames.size > 10_000) dayNames.clear();
    dayNames.set(epochDay, name);
  }
  return name;
}

/** The day `days` after `day` (negative: before). */
export function addDays(day: string, days: number): string {
  return utcDay(new Date(dayStart(day).getTime() + days * DAY_MS));
}

/** Midnight UTC at the start of `day`. */
export function dayStart(day: string): Date {
  if (!DAY_FORMAT.test(day)) throw new Error(`not a day: ${day}`);
  return new Date(`${day}T00:00:00.000Z`);
}

/** Every day from `first` to `last`, both included. */
export function daysBetween(first: string, last: string): string[] {
  const days: string[] = [];
  for (let day = first; day <= last; day = addDays(day, 1)) days.push(day);
  return days;
}
