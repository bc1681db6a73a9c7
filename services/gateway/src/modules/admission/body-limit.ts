import { type Readable, Transform, type TransformCallback } from 'node:stream';

/** Largest request bodies: API routes, and the streamed uploads under `/api/v1/uploads`. */
export interface BodyLimits {
  jsonBytes: number;
  uploadBytes: number;
}

export const UPLOADS_PREFIX = '/api/v1/uploads';

/** The largest body the route of `path` accepts. */
export function bodyLimitFor(path: string, limits: BodyLimits): number {
  return path === UPLOADS_PREFIX || path.startsWith(`${UPLOADS_PREFIX}/`) ? limits.uploadBytes : limits.jsonBytes;
}

/**
 * A refused body is still read and dropped up to this many bytes, so that the client, which may
 * be sending it all before it reads, gets the answer on a connection that stays usable: closing a
 * socket with unread bytes resets it, and the reset discards the answer with them. Past this, the
 * connection is closed, and a client that sends that much after a refusal may not see why.
 */
export const REFUSED_BODY_DRAIN_BYTES = 16 * 1024 * 1024;

/** True when a `content-length` header announces more than `limit` bytes. */
export function declaresMoreThan(contentLength: string | undefined, limit: number): boolean {
  if (contentLength === undefined) return false;
  const length = Number(contentLength);
  return Number.isFinite(length) && length > limit;
}

/** Raised inside the body stream when a body without content-length grows past its limit. */
export class BodyLimitExceeded extends Error {
  constructor(readonly limitBytes: number) {
    super(`request body exceeds ${limitBytes} bytes`);
    this.name = 'BodyLimitExceeded';
  }
}

/**
 * `body` passed through unchanged while it stays within `limit` bytes; past it, the returned
 * stream fails with `BodyLimitExceeded` (so the upstream request is aborted, never completed) and
 * `onExceeded` runs. The source is then read to its end and dropped (up to `REFUSED_BODY_DRAIN_BYTES`,
 * beyond which it is destroyed), so the client finishes sending and can still read the answer.
 */
export function limitBodyStream(body: Readable, limit: number, onExceeded: () => void): Readable {
  let received = 0;
  const limited = new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
      received += chunk.length;
      if (received > limit) {
        body.unpipe(limited);
        drop(body, REFUSED_BODY_DRAIN_BYTES);
        onExceeded();
        callback(new BodyLimitExceeded(limit));
        return;
      }
      callback(null, chunk);
    },
  });
  // pipe() forwards neither errors nor aborts of the source.
  body.once('error', (error) => limited.destroy(error));
  body.once('close', () => {
    if (!body.readableEnded) limited.destroy(new Error('the client aborted the request body'));
  });
  return body.pipe(limited);
}

/** Reads `body` to its end, dropping what it reads, or destroys it after more than `bytes`. */
function drop(body: Readable, bytes: number): void {
  let dropped = 0;
  body.on('data', (chunk: Buffer) => {
    dropped += chunk.length;
    if (dropped > bytes) body.destroy();
  });
  // Unpiped, the source is paused, and a data listener alone does not restart it.
  body.resume();
}
