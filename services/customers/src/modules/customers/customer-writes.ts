import { type AuthenticatedUser } from '@fieldforce/auth';
import { type IdempotentRequest } from '@fieldforce/persistence';
import { type IdempotencyKeyHeader } from '@fieldforce/platform';

/** The field policy's resource name of a customer. */
export const CUSTOMER = 'customer';

/**
 * The version a write replaces, and whether the client stated it as a precondition (If-Match:
 * a mismatch is 412) or in the body (a mismatch is a 409 conflict).
 */
export interface ExpectedVersion {
  version: number;
  precondition: boolean;
}

/** A write's Idempotency-Key as the user's, in the user's tenant. */
export function idempotentRequest(user: AuthenticatedUser, header: IdempotencyKeyHeader | undefined): IdempotentRequest | undefined {
  return header && { tenantId: user.tenantId, principal: user.userId, key: header.key, fingerprint: header.fingerprint };
}
