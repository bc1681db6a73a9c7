import { createHash } from 'node:crypto';
import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { CommonException } from '../errors/common.exception';

/** The request header naming a write's idempotency key. */
export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';

/** A write's `Idempotency-Key` and the fingerprint of the request that came with it. */
export interface IdempotencyKeyHeader {
  key: string;
  /** Equal for requests with the same method, URL and body (in any key order). */
  fingerprint: string;
}

// Visible ASCII only: keys are compared byte for byte and echoed in problem details.
const KEY = /^[\x21-\x7e]{1,255}$/;

// Keys sorted at every level, so two bodies that differ only in key order have one fingerprint.
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) =>
    item !== null && typeof item === 'object' && !Array.isArray(item)
      ? Object.fromEntries(Object.entries(item).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : item,
  );
}

/** A SHA-256 fingerprint of a request's parts (method, URL, body…), independent of object key order. */
export function requestFingerprint(...parts: unknown[]): string {
  return createHash('sha256').update(canonicalJson(parts)).digest('base64url');
}

interface IncomingRequest {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body?: unknown;
}

/** The request's idempotency key and fingerprint; undefined without the header, a 400 for a malformed key. */
export function idempotencyKeyOf(request: IncomingRequest): IdempotencyKeyHeader | undefined {
  const header = request.headers[IDEMPOTENCY_KEY_HEADER];
  if (header === undefined) return undefined;
  const key = Array.isArray(header) ? undefined : header;
  if (key === undefined || !KEY.test(key)) {
    throw CommonException.validationFailed([
      { field: 'Idempotency-Key', message: 'must be one value of 1 to 255 visible ASCII characters' },
    ]);
  }
  return { key, fingerprint: requestFingerprint(request.method, request.url, request.body ?? null) };
}

/** The request's `Idempotency-Key` with its fingerprint (see `idempotencyKeyOf`), for a write route. */
export const IdempotencyKey = createParamDecorator(
  (_data: unknown, context: ExecutionContext): IdempotencyKeyHeader | undefined =>
    idempotencyKeyOf(context.switchToHttp().getRequest<IncomingRequest>()),
);
