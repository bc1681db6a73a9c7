import { CommonException } from '../errors/common.exception';

// An ETag as services send it (`"3"`), weak or not, or the bare version.
const VERSION_TAG = /^(?:W\/)?"?([1-9][0-9]{0,9})"?$/;

export interface IfMatchOptions {
  /**
   * Read `If-Match: *` as no precondition (RFC 9110: any current version) instead of refusing it.
   * Only permissions does so today; the services should settle on one reading.
   */
  wildcardMeansAny?: boolean;
}

/** The ETag a service sends for a version (`"3"`), as `ifMatchVersion` reads it back. */
export function entityTag(version: number): string {
  return `"${version}"`;
}

/** The version an `If-Match` header names (`"3"`, `W/"3"` or `3`); undefined without it, a 400 when it names none. */
export function ifMatchVersion(header: string | string[] | undefined, options: IfMatchOptions = {}): number | undefined {
  if (header === undefined) return undefined;
  if (options.wildcardMeansAny && header === '*') return undefined;
  const match = Array.isArray(header) ? null : VERSION_TAG.exec(header.trim());
  if (!match) {
    throw CommonException.validationFailed([{ field: 'If-Match', message: 'must be one ETag of this API, e.g. "3"' }]);
  }
  return Number(match[1]);
}
