import { isRefreshTokenFormat, newRefreshToken, refreshTokenHash } from './refresh-token-secret';

describe(newRefreshToken.name, () => {
  it('makes distinct 256-bit base64url tokens', () => {
    const tokens = new Set(Array.from({ length: 100 }, newRefreshToken));
    expect(tokens.size).toBe(100);
    for (const token of tokens) {
      expect(isRefreshTokenFormat(token)).toBe(true);
      expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    }
  });
});

describe(refreshTokenHash.name, () => {
  it('is the SHA-256 of the token, the same every time', () => {
    const token = newRefreshToken();
    expect(refreshTokenHash(token)).toEqual(refreshTokenHash(token));
    expect(refreshTokenHash(token)).toHaveLength(32);
    expect(refreshTokenHash(token).equals(refreshTokenHash(newRefreshToken()))).toBe(false);
  });
});

describe(isRefreshTokenFormat.name, () => {
  it('refuses what cannot be a refresh token', () => {
    expect(isRefreshTokenFormat('')).toBe(false);
    expect(isRefreshTokenFormat('a'.repeat(44))).toBe(false);
    expect(isRefreshTokenFormat(`${'a'.repeat(42)}=`)).toBe(false);
  });
});
