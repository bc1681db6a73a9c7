import { CommonException } from '../errors/common.exception';
import { entityTag, ifMatchVersion } from './if-match';

describe(ifMatchVersion.name, () => {
  it('reads the version of a strong or weak ETag, or a bare number', () => {
    expect([ifMatchVersion('"3"'), ifMatchVersion('W/"12"'), ifMatchVersion('7'), ifMatchVersion(undefined)]).toEqual([3, 12, 7, undefined]);
  });

  it('refuses a wildcard, a list, a zero or anything that is not a version', () => {
    for (const header of ['*', '"1", "2"', '"0"', 'abc', '', ['"1"', '"2"']]) {
      expect(() => ifMatchVersion(header)).toThrow(CommonException);
    }
  });

  it('reads back the ETag a service sends', () => {
    expect(ifMatchVersion(entityTag(5))).toBe(5);
  });

  it('reads a wildcard as no precondition only when asked to', () => {
    expect(ifMatchVersion('*', { wildcardMeansAny: true })).toBeUndefined();
    expect(ifMatchVersion(undefined, { wildcardMeansAny: true })).toBeUndefined();
    expect(() => ifMatchVersion('*')).toThrow(CommonException);
  });
});
