import { type ApiHeaderOptions } from '@nestjs/swagger';
import { ifMatchVersion } from '@fieldforce/platform';
import { type ExpectedVersion } from '../modules/customers/customer-writes';

/** OpenAPI of the `Idempotency-Key` header every write accepts. */
export const IDEMPOTENCY_KEY_HEADER_DOC: ApiHeaderOptions = {
  name: 'Idempotency-Key',
  required: false,
  description: 'Replaying the request with the same key answers the first response; the same key with another body is a 422',
};

/** OpenAPI of the `If-Match` header of an update (required unless the body names the version). */
export const IF_MATCH_UPDATE_DOC: ApiHeaderOptions = {
  name: 'If-Match',
  required: false,
  description: 'The ETag of the version this write replaces; without it the body must carry `version` (else 428)',
};

/** OpenAPI of the optional `If-Match` header of a delete. */
export const IF_MATCH_DELETE_DOC: ApiHeaderOptions = { name: 'If-Match', required: false, description: 'The ETag of the version this delete replaces' };

/** The version a write says it replaces: the If-Match header first (412 when stale), else the body's `version` (409). */
export function expectedVersion(ifMatch: string | undefined, bodyVersion: number | undefined): ExpectedVersion | undefined {
  const headerVersion = ifMatchVersion(ifMatch);
  if (headerVersion !== undefined) return { version: headerVersion, precondition: true };
  return bodyVersion === undefined ? undefined : { version: bodyVersion, precondition: false };
}
