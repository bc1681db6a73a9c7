import { CommonException } from '../errors/common.exception';

// An ETag as services send it (`"3"`), weak or not, or the bare version.
const VERSION_TAG = /^(?:W\/)?"?([1-9][0-9]{0,9})"?$/;

/** The version an `If-Match` header names (`"3"`, `W/"3"` or `3`); undefined without it, a 400 when it names none. */
export function ifMatchVersion(header: string | string[] | undefined): number | undefined {
  if (header === undefined) return undefined;
  const match = Array.isArray(header) ? null : VERSION_TAG.exec(header.trim());
  if (!match) {
    throw CommonException.validationFailed([{ field: 'If-Match', message: 'must be one ETag of this API, e.g. "3"' }]);
  }
  return Number(match[1]);
}
