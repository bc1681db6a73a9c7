import { CommonException } from '@fieldforce/platform';

const ENTITY_TAG = /^(?:W\/)?"?(\d{1,9})"?$/;

/** The version an `If-Match` header names (`"3"`, `W/"3"` or `3`); undefined without the header. */
export function ifMatchVersion(header: string | undefined): number | undefined {
  if (header === undefined || header.trim() === '*') return undefined;
  const match = ENTITY_TAG.exec(header.trim());
  if (!match?.[1]) throw CommonException.validationFailed([{ field: 'If-Match', message: 'must be the ETag of a read, e.g. "3"' }]);
  return Number(match[1]);
}

/** The ETag of a version. */
export function entityTag(version: number): string {
  return `"${version}"`;
}
