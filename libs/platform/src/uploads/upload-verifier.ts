import { Inject, Injectable, Logger } from '@nestjs/common';
import { type UploadsConfig } from './uploads-config';
import { type UploadRejection, UploadVerificationErrorCode, UploadVerificationException } from './upload-verification.exception';

/** The injection token of the `UploadsConfig` `UploadsModule.forRoot` was given. */
export const UPLOADS_CONFIG = Symbol('UPLOADS_CONFIG');

/** An upload a record refers to, by the request field that names it (`photoUploadIds.1`). */
export interface UploadReference {
  field: string;
  uploadId: string;
}

/** Who attaches: sync is asked with their own `Authorization` header, and the uploads must be theirs. */
export interface UploadCaller {
  userId: string;
  authorization: string;
}

/** A complete upload of the caller: its bytes were hashed by sync and match `sha256`. */
export interface VerifiedUpload {
  id: string;
  /** Lower-case hex SHA-256 of the whole file, as sync verified it. */
  sha256: string;
  size: number;
  contentType: string | null;
  userId: string;
}

/** Inside a write: the verified uploads of `references`, in their order (see `UploadVerifier.verifiedWrite`). */
export type VerifiedUploadsOf = (references: readonly UploadReference[]) => VerifiedUpload[];

/** Thrown through a write that asked for uploads not verified yet: the write rolls back, they are verified, it runs again. */
class UploadsToVerify extends Error {
  constructor(readonly references: readonly UploadReference[]) {
    super('uploads to verify before the write can go on');
    this.name = 'UploadsToVerify';
  }
}

// A write asks for the same uploads each time it runs with the same input; a third round means they keep changing.
const WRITE_ROUNDS = 3;

type Verification =
  | { kind: 'found'; upload: VerifiedUpload; status: string }
  | { kind: 'unknown' }
  | { kind: 'unavailable'; reason: string };

const SHA256_HEX = /^[0-9a-f]{64}$/;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Sync's verification read (`GET /internal/v1/uploads/:id`), or undefined when the body is not one. */
function parseVerification(body: string, id: string): { upload: VerifiedUpload; status: string } | undefined {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (!isRecord(value)) return undefined;
  const { sha256, size, status, contentType, userId } = value;
  if (typeof value.id !== 'string' || value.id.toLowerCase() !== id) return undefined;
  if (typeof sha256 !== 'string' || !SHA256_HEX.test(sha256) || typeof status !== 'string' || typeof userId !== 'string') return undefined;
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) return undefined;
  if (contentType !== null && typeof contentType !== 'string') return undefined;
  return { upload: { id, sha256, size, contentType, userId: userId.toLowerCase() }, status };
}

function failureReason(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return `no answer within ${timeoutMs} ms`;
  const code = error instanceof Error ? (error.cause as { code?: unknown } | undefined)?.code : undefined;
  return typeof code === 'string' ? `connection failed: ${code}` : 'connection failed';
}

/**
 * Checks, before a service attaches uploads to one of its records (a check-in's photos, a visit
 * report's photos and signature), that each is a complete upload of the caller in sync, and answers
 * the hashes sync verified. Sync is asked directly with the caller's own token.
 */
@Injectable()
export class UploadVerifier {
  private readonly logger = new Logger(UploadVerifier.name);

  constructor(@Inject(UPLOADS_CONFIG) private readonly config: UploadsConfig) {}

  /**
   * The caller's verified uploads, in the order of `references`. Throws `UploadVerificationException`:
   * 422 naming every field whose upload is unknown, someone else's or not complete; 503 when sync
   * cannot answer (then nothing may be recorded: the client retries the same request).
   */
  async verifyOwn(caller: UploadCaller, references: readonly UploadReference[]): Promise<VerifiedUpload[]> {
    if (references.length === 0) return [];
    const ids = [...new Set(references.map((reference) => reference.uploadId.toLowerCase()))];
    const answers = await Promise.all(ids.map(async (id) => [id, await this.verification(caller.authorization, id)] as const));
    const unavailable = answers.find(([, answer]) => answer.kind === 'unavailable');
    if (unavailable?.[1].kind === 'unavailable') throw UploadVerificationException.unavailable(unavailable[1].reason);
    const byId = new Map(answers);
    const verified: VerifiedUpload[] = [];
    const rejections: UploadRejection[] = [];
    for (const reference of references) {
      const uploadId = reference.uploadId.toLowerCase();
      const answer = byId.get(uploadId);
      // Someone else's upload is reported like an unknown one: existence is not revealed across users.
      if (answer?.kind !== 'found' || answer.upload.userId !== caller.userId.toLowerCase()) {
        rejections.push({ field: reference.field, uploadId, code: UploadVerificationErrorCode.UploadUnknown });
      } else if (answer.status !== 'complete') {
        // A hash is declared at creation; only a complete upload's content was checked against it.
        rejections.push({ field: reference.field, uploadId, code: UploadVerificationErrorCode.UploadIncomplete, status: answer.status });
      } else {
        verified.push(answer.upload);
      }
    }
    const [first, ...more] = rejections;
    if (first) throw UploadVerificationException.rejected([first, ...more]);
    return verified;
  }

  /**
   * Runs `write` (a transaction that attaches uploads) without keeping it open while sync answers.
   * The write asks `verified(references)` for its uploads after the checks that need no sync, so a
   * replayed request is answered while sync is down. Asked for uploads not verified yet, `verified`
   * throws: the write rolls back, the uploads are verified with no transaction (and no lock) held,
   * and the write runs again, now answered from what was verified. Throws what `verifyOwn` throws.
   */
  async verifiedWrite<T>(caller: UploadCaller, write: (verified: VerifiedUploadsOf) => Promise<T>): Promise<T> {
    const known = new Map<string, VerifiedUpload>();
    const verified: VerifiedUploadsOf = (references) =>
      references.map((reference) => {
        const upload = known.get(reference.uploadId.toLowerCase());
        if (!upload) throw new UploadsToVerify(references);
        return upload;
      });
    for (let round = 1; ; round += 1) {
      try {
        return await write(verified);
      } catch (error) {
        if (!(error instanceof UploadsToVerify)) throw error;
        if (round === WRITE_ROUNDS) throw UploadVerificationException.unavailable('the uploads to attach changed while they were verified');
        for (const upload of await this.verifyOwn(caller, error.references)) known.set(upload.id, upload);
      }
    }
  }

  private async verification(authorization: string, id: string): Promise<Verification> {
    const url = `${this.config.url}/internal/v1/uploads/${encodeURIComponent(id)}`;
    let response: Response;
    let body: string;
    try {
      response = await fetch(url, { headers: { authorization, accept: 'application/json' }, signal: AbortSignal.timeout(this.config.timeoutMs) });
      body = await response.text();
    } catch (error) {
      return this.unavailable(failureReason(error, this.config.timeoutMs), id);
    }
    // 404: no upload with this id in the caller's tenant; 400: not an id sync could have issued.
    if (response.status === 404 || response.status === 400) return { kind: 'unknown' };
    // Anything else but 200 says nothing about the upload (an expired token, a rate limit, a 5xx).
    if (response.status !== 200) return this.unavailable(`sync answered ${response.status}`, id);
    const parsed = parseVerification(body, id);
    if (!parsed) {
      this.logger.error({ url }, 'sync answered 200 with a body that is not an upload verification');
      return this.unavailable('sync answered a malformed verification', id);
    }
    return { kind: 'found', ...parsed };
  }

  private unavailable(reason: string, id: string): Verification {
    this.logger.warn({ uploadId: id, reason }, 'upload verification unavailable');
    return { kind: 'unavailable', reason };
  }
}
