import { createHash } from 'node:crypto';
import { type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Inject, Injectable } from '@nestjs/common';
import { type AuthenticatedUser, type ScopeSubject } from '@fieldforce/auth';
import { uuidv7 } from '@fieldforce/contracts';
import { InjectConfig } from '@fieldforce/platform';
import { type SyncConfig } from '../../config/sync.config';
import { type Upload, type UploadStatus } from './entities/upload.entity';
import { type DeclaredUpload } from './tus/upload-metadata';
import { type VerifyingUploadStore } from './tus/upload-store';
import { UploadException } from './uploads.exception';
import { UploadsRepository } from './uploads.repository';

export const UPLOAD_STORE = Symbol('UPLOAD_STORE');

/** An upload a device has not finished: what `GET /sync/status` shows so the app resumes instead of starting over. */
export interface OpenUpload {
  id: string;
  clientUploadId: string;
  offset: number;
  size: number;
  expiresAt: string;
}

/** What another service checks before it attaches an upload to a record. */
export interface UploadVerification {
  id: string;
  sha256: string;
  size: number;
  status: UploadStatus;
  contentType: string | null;
  userId: string;
}

export interface UploadSettingsView {
  maxUploadBytes: number;
  /** True when the tenant has not chosen a limit and SYNC_UPLOAD_MAX_BYTES applies. */
  isDefault: boolean;
}

/** A creation's outcome: the upload the client upload id names, and whether this request made it. */
export interface UploadCreation {
  upload: Upload;
  created: boolean;
  maxSizeBytes: number;
}

// Expired uploads are swept in batches of this many rows.
const EXPIRY_BATCH = 500;

/** Resumable uploads: idempotent creation, progress, whole-file verification, expiry, downloads and the reads other services need. */
@Injectable()
export class UploadsService {
  constructor(
    private readonly uploads: UploadsRepository,
    @InjectConfig() private readonly config: SyncConfig,
    @Inject(UPLOAD_STORE) private readonly store: VerifyingUploadStore,
  ) {}

  async settings(tenantId: string): Promise<UploadSettingsView> {
    const own = await this.uploads.maxUploadBytes(tenantId);
    return { maxUploadBytes: own ?? this.config.uploads.defaultMaxBytes, isDefault: own === undefined };
  }

  async updateSettings(tenantId: string, maxUploadBytes: number): Promise<UploadSettingsView> {
    await this.uploads.setMaxUploadBytes(tenantId, maxUploadBytes);
    return { maxUploadBytes, isDefault: false };
  }

  /** The largest upload the tenant accepts. */
  async maxUploadBytes(tenantId: string): Promise<number> {
    return (await this.settings(tenantId)).maxUploadBytes;
  }

  /**
   * Creates the upload of `declared`, or finds the one the user created before under the same
   * client upload id (then size and sha256 must be the same, and it must still be usable).
   */
  async begin(user: AuthenticatedUser, size: number, declared: DeclaredUpload, now = new Date()): Promise<UploadCreation> {
    const maxSizeBytes = await this.maxUploadBytes(user.tenantId);
    if (size > maxSizeBytes) {
      throw UploadException.tooLarge(maxSizeBytes, `Upload-Length ${size} is above this tenant's limit of ${maxSizeBytes} bytes`);
    }
    const { upload, created } = await this.uploads.insertOrFind({
      id: uuidv7(now.getTime()),
      tenantId: user.tenantId,
      userId: user.userId,
      orgPath: user.orgPath,
      size,
      expiresAt: new Date(now.getTime() + this.config.uploads.expirySeconds * 1000),
      ...declared,
    });
    if (!created) {
      if (upload.size !== size || upload.sha256 !== declared.sha256) throw UploadException.clientUploadIdReused(declared.clientUploadId, upload.id);
      this.assertUsable(upload, now);
    }
    return { upload, created, maxSizeBytes };
  }

  /** The user's own upload for HEAD and PATCH: 404 for anyone else's, 422 once corrupt, 410 once expired. */
  async resumable(user: AuthenticatedUser, id: string, now = new Date()): Promise<Upload> {
    const upload = await this.uploads.findOwn(user, id);
    if (!upload) throw UploadException.notFound(id);
    this.assertUsable(upload, now);
    return upload;
  }

  /**
   * Where the upload stands in the store (re-created empty when a failed creation left no trace
   * there). All bytes stored but never verified (the request that brought them failed after
   * writing): verified now, so a corrupt file is told as such (422) and never passes for complete.
   */
  async storedOffset(upload: Upload): Promise<number> {
    if (upload.status === 'complete') return upload.size;
    const offset = await this.store.ensure(upload.id, upload.size);
    if (offset === upload.size) await this.verifyContent(upload.id);
    return offset;
  }

  /**
   * Records how far the store got after a request wrote to the upload, and verifies an upload
   * whose last byte arrived in a request that failed afterwards (a chunked body running past the
   * length: the bytes up to it are stored, the request answered 413).
   */
  async recordProgress(id: string): Promise<void> {
    const offset = await this.store.offsetOf(id);
    if (offset === undefined) return;
    await this.uploads.recordOffset(id, offset);
    const upload = await this.uploads.findById(id);
    if (upload?.status !== 'uploading' || offset < upload.size) return;
    try {
      await this.verifyContent(id);
    } catch (error) {
      // The request was answered already; the upload is marked corrupt and says so from now on.
      if (!(error instanceof UploadException)) throw error;
    }
  }

  /**
   * The last byte arrived: the whole file's sha256 decides. A match completes the upload; a
   * mismatch marks it corrupt, removes its bytes and throws (it can never be attached).
   */
  async verifyContent(id: string, now = new Date()): Promise<Upload> {
    const upload = await this.uploads.findById(id);
    if (!upload) throw UploadException.notFound(id);
    if (upload.status !== 'uploading') return upload;
    const actual = await sha256Of(await this.store.read(id));
    if (actual === upload.sha256) {
      await this.uploads.finish(id, 'complete', now);
      return { ...upload, status: 'complete', offset: upload.size, completedAt: now };
    }
    await this.uploads.finish(id, 'corrupt', now);
    await this.store.discard(id);
    throw UploadException.contentHashMismatch(id, upload.sha256, actual);
  }

  /**
   * Termination: the user's upload unless complete (409). The record goes first (its client
   * upload id may start a new upload at once, and nothing can resume it any more). Returns true
   * when tus must still remove the bytes of an upload in progress, under its lock (a PATCH in
   * flight is stopped); otherwise they are gone already.
   */
  async terminate(user: AuthenticatedUser, id: string): Promise<boolean> {
    const upload = await this.uploads.findOwn(user, id);
    if (!upload) throw UploadException.notFound(id);
    if (upload.status === 'complete') throw UploadException.completeNotTerminable(id);
    await this.uploads.delete(id);
    if (upload.status === 'uploading' && (await this.store.offsetOf(id)) !== undefined) return true;
    await this.store.discard(id);
    return false;
  }

  /** Removes whatever bytes of a terminated upload tus did not. */
  async discardTerminated(id: string): Promise<void> {
    await this.store.discard(id);
  }

  /** A complete upload's bytes for a viewer whose data scope covers the uploader; 404 otherwise. */
  async download(viewer: ScopeSubject, id: string): Promise<{ upload: Upload; content: Readable }> {
    const upload = await this.uploads.findVisible(viewer, id);
    if (!upload || upload.status !== 'complete') throw UploadException.notFound(id);
    return { upload, content: await this.store.read(id) };
  }

  /** The internal verification read: any upload of the caller's tenant, in whatever status. */
  async verification(tenantId: string, id: string): Promise<UploadVerification> {
    const upload = await this.uploads.findInTenant(tenantId, id);
    if (!upload) throw UploadException.notFound(id);
    return {
      id: upload.id,
      sha256: upload.sha256,
      size: upload.size,
      status: upload.status,
      contentType: upload.contentType,
      userId: upload.userId,
    };
  }

  /** The user's unfinished, unexpired uploads with their offsets, oldest first (for `GET /sync/status`). */
  async openUploads(tenantId: string, userId: string, now = new Date()): Promise<OpenUpload[]> {
    const open = await this.uploads.openUploads(tenantId, userId, now);
    return open.map((upload) => ({
      id: upload.id,
      clientUploadId: upload.clientUploadId,
      offset: upload.offset,
      size: upload.size,
      expiresAt: upload.expiresAt.toISOString(),
    }));
  }

  /** Marks incomplete uploads past their expiry as expired and removes their bytes; returns how many. */
  async expireOverdue(now = new Date()): Promise<number> {
    let total = 0;
    for (;;) {
      const ids = await this.uploads.expireOverdue(now, EXPIRY_BATCH);
      for (const id of ids) await this.store.discard(id);
      total += ids.length;
      if (ids.length < EXPIRY_BATCH) return total;
    }
  }

  private assertUsable(upload: Upload, now: Date): void {
    if (upload.status === 'corrupt') throw UploadException.corrupt(upload.id);
    if (upload.status === 'expired' || (upload.status === 'uploading' && upload.expiresAt.getTime() <= now.getTime())) {
      throw UploadException.expired(upload.id, upload.expiresAt);
    }
  }
}

async function sha256Of(content: Readable): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(content, async (chunks: AsyncIterable<Buffer>) => {
    for await (const chunk of chunks) hash.update(chunk);
  });
  return hash.digest('hex');
}
