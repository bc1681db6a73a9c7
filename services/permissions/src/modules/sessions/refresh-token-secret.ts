import { createHash, randomBytes } from 'node:crypto';

const TOKEN_BYTES = 32;
const TOKEN_FORMAT = /^[A-Za-z0-9_-]{43}$/;

/** A new opaque refresh token: 256 random bits, base64url. */
export function newRefreshToken(): string {
  return randomBytes(TOKEN_BYTES).toString('base64url');
}

/** What the database keeps of a refresh token: its SHA-256 (a leak of the table leaks no usable token). */
export function refreshTokenHash(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/** True when the string could be a refresh token this service issued (cheap check before any lookup). */
export function isRefreshTokenFormat(token: string): boolean {
  return TOKEN_FORMAT.test(token);
}
