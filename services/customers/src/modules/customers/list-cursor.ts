import { CommonException, requestFingerprint } from '@fieldforce/platform';

/** Where a page ended: the last customer's id, and its distance in a `near` search. */
export interface ListPosition {
  id: string;
  distanceM?: number;
}

interface CursorPayload {
  /** The position. */
  p: ListPosition;
  /** Fingerprint of the filters the cursor was made for. */
  f: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A short fingerprint of a list's filters: a cursor only continues the list it came from. */
export function filtersKey(filters: object): string {
  return requestFingerprint(filters).slice(0, 16);
}

/** The opaque cursor of the page after `position` in the list with `filtersKey`. */
export function encodeCursor(position: ListPosition, key: string): string {
  const payload: CursorPayload = { p: position, f: key };
  return Buffer.from(JSON.stringify(payload)).toString('base64url');
}

function invalidCursor(message: string): CommonException {
  return CommonException.validationFailed([{ field: 'cursor', message }]);
}

/** The position a cursor names; a 400 for a cursor that is malformed or belongs to other filters. */
export function decodeCursor(cursor: string, key: string): ListPosition {
  let payload: Partial<CursorPayload>;
  try {
    payload = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Partial<CursorPayload>;
  } catch {
    throw invalidCursor('is not a cursor of this list');
  }
  const position = payload?.p;
  if (typeof position?.id !== 'string' || !UUID.test(position.id)) throw invalidCursor('is not a cursor of this list');
  if (position.distanceM !== undefined && (typeof position.distanceM !== 'number' || !Number.isFinite(position.distanceM))) {
    throw invalidCursor('is not a cursor of this list');
  }
  if (payload.f !== key) throw invalidCursor('belongs to a list with other filters; start again without it');
  return position.distanceM === undefined ? { id: position.id } : { id: position.id, distanceM: position.distanceM };
}
