import { invalidJsonText, invalidUrlText, MAX_JSON_DEPTH } from './request-text';

describe(invalidJsonText.name, () => {
  it('accepts ordinary bodies, emoji and text in any script', () => {
    expect(invalidJsonText({ name: 'Café 東京 😀', tags: ['a', 'b'], location: { lat: 1, lng: 2 }, note: null })).toBeUndefined();
    expect(invalidJsonText(['x', 1, true])).toBeUndefined();
  });

  it('names the field holding a NUL character or an unpaired surrogate, in values and in keys', () => {
    expect(invalidJsonText({ contacts: [{ name: 'a\u0000b' }] })).toEqual({ field: 'contacts.0.name', message: 'must not contain NUL characters' });
    expect(invalidJsonText({ name: 'x\ud800y' })).toMatchObject({ field: 'name' });
    expect(invalidJsonText({ name: 'x\udc00' })).toMatchObject({ field: 'name' });
    expect(invalidJsonText({ 'bad\u0000key': 1 })).toMatchObject({ field: 'bad\u0000key', message: expect.stringContaining('field name') });
    expect(invalidJsonText('\u0000')).toMatchObject({ field: 'body' });
  });

  it('finds a problem wherever it sits: an array item, a nested key, after a thousand good values', () => {
    const points = Array.from({ length: 1_000 }, (_, seq) => ({ seq, capturedAt: '2025-05-06T11:59:00.000Z', lat: 1, lng: 2 }));
    expect(invalidJsonText({ points })).toBeUndefined();
    expect(invalidJsonText({ points: [...points, 'x\u0000'] })).toMatchObject({ field: 'points.1000' });
    expect(invalidJsonText({ points: [...points, { seq: 1, ['k\udfff']: 1 }] })).toMatchObject({ field: 'points.1000.k\udfff' });
    expect(invalidJsonText({ tags: [['a', ['b', '\ud83d']]] })).toMatchObject({ field: 'tags.0.1.1' });
  });

  it('refuses nesting beyond the limit without overflowing the stack', () => {
    const nested = (depth: number): unknown => JSON.parse(`${'['.repeat(depth)}1${']'.repeat(depth)}`);

    expect(invalidJsonText(nested(MAX_JSON_DEPTH))).toBeUndefined();
    expect(invalidJsonText(nested(MAX_JSON_DEPTH + 1))).toMatchObject({ message: expect.stringContaining(`${MAX_JSON_DEPTH} levels`) });
    expect(invalidJsonText(nested(100_000))).toMatchObject({ message: expect.stringContaining('levels') });
  });
});

describe(invalidUrlText.name, () => {
  it('accepts well-encoded paths and queries', () => {
    expect(invalidUrlText('/api/v1/customers?q=caf%C3%A9+am+Markt&near=48.1,11.5')).toBeUndefined();
    expect(invalidUrlText('/api/v1/customers/0190d6a4-5c3e-7b1a-8f00-3c1d2e4f5a6b')).toBeUndefined();
  });

  it('refuses escapes that are not UTF-8, cut-short escapes and NUL', () => {
    expect(invalidUrlText('/api/v1/customers?q=%C0%AF')).toEqual({ field: 'query', message: 'must be percent-encoded UTF-8' });
    expect(invalidUrlText('/api/v1/customers?q=%ED%A0%80')).toMatchObject({ field: 'query' });
    expect(invalidUrlText('/api/v1/customers?q=%E2%82')).toMatchObject({ field: 'query' });
    expect(invalidUrlText('/api/v1/customers?q=100%')).toMatchObject({ field: 'query' });
    expect(invalidUrlText('/api/v1/customers?q=a%00b')).toEqual({ field: 'query', message: 'must not contain NUL characters' });
    expect(invalidUrlText('/api/v1/customers/%C0%AF')).toMatchObject({ field: 'path' });
  });
});
