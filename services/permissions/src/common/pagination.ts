import { CommonException, DEFAULT_PAGE_SIZE, type PageQuery } from '@fieldforce/platform';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A page of a list: the items and the cursor of the next page (null on the last one). */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Where a list resumes: after the row with this id, `limit` rows. */
export interface PageRequest {
  after: string | null;
  limit: number;
}

/** Cursors are opaque to clients: the last row's id (lists are ordered by id, UUIDv7 ids by creation time). */
export function encodeCursor(lastId: string): string {
  return Buffer.from(lastId, 'utf8').toString('base64url');
}

/** The page a query asks for; a cursor this service did not make is a 400. */
export function pageRequest(query: PageQuery): PageRequest {
  const limit = query.limit ?? DEFAULT_PAGE_SIZE;
  if (query.cursor === undefined) return { after: null, limit };
  const after = Buffer.from(query.cursor, 'base64url').toString('utf8');
  if (!UUID.test(after)) throw CommonException.validationFailed([{ field: 'cursor', message: 'is not a cursor of this list' }]);
  return { after, limit };
}

/** Builds the page from up to `limit + 1` fetched rows: the extra row only says another page exists. */
export function toPage<TRow extends { id: string }, TItem>(rows: TRow[], limit: number, map: (row: TRow) => TItem): Page<TItem> {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items: items.map(map), nextCursor: rows.length > limit && last ? encodeCursor(last.id) : null };
}
