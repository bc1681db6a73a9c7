import { utcDay } from '../../../common/utc-day';

/** Most points one ingest request may carry. */
export const MAX_POINTS_PER_BATCH = 1000;

/** How far a device clock may run ahead of the server's before its points count as captured in the future. */
export const MAX_CLOCK_AHEAD_MS = 5 * 60_000;

/** Why a point of a batch was not stored; every other point of the batch still is. */
export enum PointRejection {
  NotAnObject = 'NOT_AN_OBJECT',
  UnknownField = 'UNKNOWN_FIELD',
  /** Neither `id` nor `seq`: a point without a key could not be told apart from its replay. */
  KeyMissing = 'KEY_MISSING',
  /** Both `id` and `seq`: the key must be one or the other, or a replay could count twice. */
  KeyAmbiguous = 'KEY_AMBIGUOUS',
  InvalidId = 'INVALID_ID',
  InvalidSeq = 'INVALID_SEQ',
  InvalidLat = 'INVALID_LAT',
  InvalidLng = 'INVALID_LNG',
  InvalidAccuracy = 'INVALID_ACCURACY',
  InvalidSpeed = 'INVALID_SPEED',
  InvalidHeading = 'INVALID_HEADING',
  InvalidIsMock = 'INVALID_IS_MOCK',
  InvalidCapturedAt = 'INVALID_CAPTURED_AT',
  CapturedInFuture = 'CAPTURED_IN_FUTURE',
  /** Older than the tenant keeps points: the day's partition is (or is about to be) dropped. */
  BeyondRetention = 'BEYOND_RETENTION',
  /** The tenant's privacy setting tracks only working hours and visits. */
  OutsideTrackingWindow = 'OUTSIDE_TRACKING_WINDOW',
}

/** One rejected point: its position in the batch and why. */
export interface RejectedPoint {
  index: number;
  reason: PointRejection;
  message: string;
}

/** A point that passed validation, normalised for storage. */
export interface ValidTrackPoint {
  /** Position in the batch, for rejections found later (retention). */
  index: number;
  /** The client's point id, or `seq:<n>`: with device and capture time, what makes a point unique. */
  pointKey: string;
  /** Capture time in epoch milliseconds (what is stored: instants are kept to the millisecond). */
  capturedAtMs: number;
  /** UTC day of the capture time: the partition the point goes to. */
  day: string;
  lat: number;
  lng: number;
  accuracyM: number;
  speedMps: number | null;
  headingDeg: number | null;
  isMock: boolean;
}

const FIELDS = new Set(['id', 'seq', 'lat', 'lng', 'accuracyM', 'speedMps', 'headingDeg', 'capturedAt', 'isMock']);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// An ISO 8601 instant with an explicit offset: a local time without one would be guessed.
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;
// Storage columns are `real`: bound the values so they stay meaningful in single precision.
const MAX_ACCURACY_M = 1_000_000;
const MAX_SPEED_MPS = 1_000;

const CAPTURED_AT_MESSAGE = 'capturedAt must be an ISO 8601 instant with a time zone';

const isFiniteNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
const between = (value: unknown, min: number, max: number): value is number =>
  isFiniteNumber(value) && value >= min && value <= max;

class Rejection extends Error {
  constructor(
    readonly reason: PointRejection,
    message: string,
  ) {
    super(message);
  }
}

function reject(reason: PointRejection, message: string): never {
  throw new Rejection(reason, message);
}

function pointKeyOf(point: Record<string, unknown>): string {
  const { id, seq } = point;
  if (id !== undefined && seq !== undefined) reject(PointRejection.KeyAmbiguous, 'give either id or seq, not both');
  if (id !== undefined) {
    if (typeof id !== 'string' || !UUID.test(id)) reject(PointRejection.InvalidId, 'id must be a UUID');
    return id.toLowerCase();
  }
  if (seq !== undefined) {
    if (!Number.isSafeInteger(seq) || (seq as number) < 0) reject(PointRejection.InvalidSeq, 'seq must be a non-negative integer');
    return `seq:${seq as number}`;
  }
  return reject(PointRejection.KeyMissing, 'a point needs an id or a seq');
}

const DAY_MS = 86_400_000;
const CHAR_0 = 48;
const CHAR_Z = 90;

/** The value of `length` decimal digits of `text` at `at`, or NaN when one is not a digit. */
function digits(text: string, at: number, length: number): number {
  let value = 0;
  for (let index = at; index < at + length; index += 1) {
    const digit = text.charCodeAt(index) - CHAR_0;
    if (digit < 0 || digit > 9) return Number.NaN;
    value = value * 10 + digit;
  }
  return value;
}

/** Days from 1970-01-01 to the given proleptic Gregorian date (Howard Hinnant's days_from_civil). */
function epochDay(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

const daysInMonth = (year: number, month: number): number =>
  month === 2 ? (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28) : month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;

/**
 * The epoch milliseconds of an instant written as `toISOString` writes it
 * (`YYYY-MM-DDTHH:MM:SS.sssZ`, a real calendar date and time), or undefined for any other
 * text. What devices send is nearly always this form; parsing it by hand spares the Date parser,
 * which was most of a point's validation.
 */
export function canonicalInstantMs(text: string): number | undefined {
  if (text.length !== 24 || text[4] !== '-' || text[7] !== '-' || text[10] !== 'T' || text[13] !== ':' || text[16] !== ':') return undefined;
  if (text[19] !== '.' || text.charCodeAt(23) !== CHAR_Z) return undefined;
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  const hour = digits(text, 11, 2);
  const minute = digits(text, 14, 2);
  const second = digits(text, 17, 2);
  const millisecond = digits(text, 20, 3);
  // NaN fails every comparison, so a non-digit anywhere leaves the fast path too.
  if (!(year >= 1000 && month >= 1 && month <= 12 && day >= 1 && hour <= 23 && minute <= 59 && second <= 59 && millisecond >= 0)) return undefined;
  if (day > daysInMonth(year, month)) return undefined;
  return epochDay(year, month, day) * DAY_MS + ((hour * 60 + minute) * 60 + second) * 1000 + millisecond;
}

/** Whether an INSTANT-shaped text names a real date and time: Date rolls 2025-02-30 over to 2 March instead of refusing it. */
function isCalendarDate(text: string): boolean {
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  const seconds = text[16] === ':' ? digits(text, 17, 2) : 0;
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month) && digits(text, 11, 2) <= 23 && digits(text, 14, 2) <= 59 && seconds <= 59;
}

/** The capture time in epoch milliseconds and its UTC day. */
function capturedAtOf(value: unknown, now: Date): { ms: number; day: string } {
  if (typeof value !== 'string') return reject(PointRejection.InvalidCapturedAt, CAPTURED_AT_MESSAGE);
  let ms = canonicalInstantMs(value);
  let day: string;
  if (ms !== undefined) {
    day = value.slice(0, 10);
  } else {
    // Any other ISO 8601 form (an offset, no seconds, other precision) goes through Date, as always.
    const parsed = INSTANT.test(value) && isCalendarDate(value) ? new Date(value) : undefined;
    if (!parsed || Number.isNaN(parsed.getTime())) reject(PointRejection.InvalidCapturedAt, CAPTURED_AT_MESSAGE);
    ms = parsed.getTime();
    day = utcDay(parsed);
  }
  if (ms > now.getTime() + MAX_CLOCK_AHEAD_MS) {
    reject(PointRejection.CapturedInFuture, 'capturedAt lies in the future; check the device clock');
  }
  return { ms, day };
}

function optionalNumber(value: unknown, min: number, max: number, reason: PointRejection, message: string): number | null {
  if (value === undefined || value === null) return null;
  return between(value, min, max) ? value : reject(reason, message);
}

function validPoint(raw: unknown, index: number, now: Date): ValidTrackPoint {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) reject(PointRejection.NotAnObject, 'a point must be an object');
  const point = raw as Record<string, unknown>;
  for (const field of Object.keys(point)) {
    if (!FIELDS.has(field)) reject(PointRejection.UnknownField, `unknown field ${field}`);
  }
  const pointKey = pointKeyOf(point);
  if (!between(point.lat, -90, 90)) reject(PointRejection.InvalidLat, 'lat must be a number between -90 and 90');
  if (!between(point.lng, -180, 180)) reject(PointRejection.InvalidLng, 'lng must be a number between -180 and 180');
  if (!between(point.accuracyM, 0, MAX_ACCURACY_M)) {
    reject(PointRejection.InvalidAccuracy, `accuracyM must be a number between 0 and ${MAX_ACCURACY_M}`);
  }
  const speedMps = optionalNumber(point.speedMps, 0, MAX_SPEED_MPS, PointRejection.InvalidSpeed, `speedMps must be between 0 and ${MAX_SPEED_MPS}`);
  const headingDeg = optionalNumber(point.headingDeg, 0, 360, PointRejection.InvalidHeading, 'headingDeg must be between 0 and 360');
  if (point.isMock !== undefined && typeof point.isMock !== 'boolean') reject(PointRejection.InvalidIsMock, 'isMock must be a boolean');
  const capturedAt = capturedAtOf(point.capturedAt, now);
  return {
    index,
    pointKey,
    capturedAtMs: capturedAt.ms,
    day: capturedAt.day,
    lat: point.lat,
    lng: point.lng,
    accuracyM: point.accuracyM,
    speedMps,
    headingDeg,
    isMock: point.isMock === true,
  };
}

/**
 * Checks each point of a batch on its own: the valid ones are normalised for storage, each bad
 * one is reported with its index and reason, and never fails the others.
 */
export function validateTrackPoints(points: readonly unknown[], now: Date): { valid: ValidTrackPoint[]; rejected: RejectedPoint[] } {
  const valid: ValidTrackPoint[] = [];
  const rejected: RejectedPoint[] = [];
  points.forEach((raw, index) => {
    try {
      valid.push(validPoint(raw, index, now));
    } catch (error) {
      if (!(error instanceof Rejection)) throw error;
      rejected.push({ index, reason: error.reason, message: error.message });
    }
  });
  return { valid, rejected };
}
