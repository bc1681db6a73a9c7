import { CommonException } from '../errors/common.exception';
import { ifMatchVersion } from './if-match';

describe(ifMatchVersion.name, () => {
  it('reads the version of a strong or weak ETag, or a bare number', () => {
    expect([ifMatchVersion('"3"'), ifMatchVersion('W/"12"'), ifMatchVersion('7'), ifMatchVersion(undefined)]).toEqual([3, 12, 7, undefined]);
  });

  it('refuses a wildcard, a list, a zero or anything that is not a version', () => {
    for (const header of ['*', '"1", "2"', '"0"', 'abc', '', ['"1"', '"2"']]) {
      expect(() => ifMatchVersion(header)).toThrow(CommonException);
    }
  });
});
