import { CommonException } from '../errors/common.exception';
import { idempotencyKeyOf, requestFingerprint } from './idempotency-key';

const request = (headers: Record<string, string | string[]>, body: unknown = { name: 'Kiosk', tags: ['a', 'b'] }) => ({
  method: 'POST',
  url: '/api/v1/customers',
  headers,
  body,
});

describe(idempotencyKeyOf.name, () => {
  it('answers nothing for a request without the header', () => {
    expect(idempotencyKeyOf(request({}))).toBeUndefined();
  });

  it('gives equal fingerprints to bodies that differ only in key order', () => {
    const first = idempotencyKeyOf(request({ 'idempotency-key': 'k-1' }, { name: 'Kiosk', grade: 'A' }));
    const second = idempotencyKeyOf(request({ 'idempotency-key': 'k-1' }, { grade: 'A', name: 'Kiosk' }));
    expect(first).toEqual({ key: 'k-1', fingerprint: second?.fingerprint });
  });

  it('gives different fingerprints to different bodies, methods and URLs', () => {
    const fingerprints = new Set([
      requestFingerprint('POST', '/a', { tags: ['a', 'b'] }),
      requestFingerprint('POST', '/a', { tags: ['b', 'a'] }),
      requestFingerprint('PATCH', '/a', { tags: ['a', 'b'] }),
      requestFingerprint('POST', '/b', { tags: ['a', 'b'] }),
    ]);
    expect(fingerprints.size).toBe(4);
  });

  it('refuses an empty, repeated or non-ASCII key with a validation problem', () => {
    for (const header of ['', 'ключ', 'a b', ['k-1', 'k-2']]) {
      expect(() => idempotencyKeyOf(request({ 'idempotency-key': header }))).toThrow(CommonException);
    }
  });
});
