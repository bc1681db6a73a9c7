import { CommonException } from '@fieldforce/platform';
import { DEFAULT_PAGE_SIZE } from '@fieldforce/platform';
import { encodeCursor, pageRequest, toPage } from './pagination';

const ID = '0190d6a2-2222-7222-8222-222222222222';

describe(pageRequest.name, () => {
  it('starts at the beginning with the default size', () => {
    expect(pageRequest({})).toEqual({ after: null, limit: DEFAULT_PAGE_SIZE });
  });

  it('resumes after the row a cursor names', () => {
    expect(pageRequest({ cursor: encodeCursor(ID), limit: 10 })).toEqual({ after: ID, limit: 10 });
  });

  it('refuses a cursor it did not make', () => {
    expect(() => pageRequest({ cursor: 'bm90LWEtdXVpZA' })).toThrow(CommonException);
  });
});

describe(toPage.name, () => {
  it('gives a next cursor only when more rows exist than the page holds', () => {
    const rows = [{ id: 'a' }, { id: 'b' }, { id: 'c' }];
    expect(toPage(rows, 2, (row) => row.id)).toEqual({ items: ['a', 'b'], nextCursor: encodeCursor('b') });
    expect(toPage(rows, 3, (row) => row.id)).toEqual({ items: ['a', 'b', 'c'], nextCursor: null });
  });
});
