import { CommonException } from '@fieldforce/platform';
import { entityTag, ifMatchVersion } from './http-versioning';

describe(ifMatchVersion.name, () => {
  it('reads the version of a strong, weak or bare entity tag', () => {
    expect(ifMatchVersion('"3"')).toBe(3);
    expect(ifMatchVersion('W/"12"')).toBe(12);
    expect(ifMatchVersion('7')).toBe(7);
    expect(ifMatchVersion(entityTag(5))).toBe(5);
  });

  it('means no precondition without the header or with *', () => {
    expect(ifMatchVersion(undefined)).toBeUndefined();
    expect(ifMatchVersion('*')).toBeUndefined();
  });

  it('refuses a tag this service never sends', () => {
    expect(() => ifMatchVersion('"abc"')).toThrow(CommonException);
  });
});
