import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID, timingSafeEqual } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import type http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { FileStore } from '@tus/file-store';
import type * as S3StoreModule from '@tus/s3-store';
import { DataStore, ERRORS, Upload as TusUploadModel, type Upload as TusUpload } from '@tus/server';
import { type UploadStoreConfig } from '../../../config/sync.config';
import { UploadException } from '../uploads.exception';
import { type ChunkChecksum, checksumHash } from './upload-checksum';

/** What one tus request is allowed and expected to do, set by the controller around `Server.handle`. */
export interface TusRequestContext {
  /** The request id, for problem documents written by tus. */
  requestId: string;
  /** The upload the request is for: the reserved id of a creation, the route's id otherwise. */
  uploadId: string;
  /** The tenant's size limit. */
  maxSizeBytes: number;
  /** The request's `Upload-Checksum`: its body is stored only when its bytes match. */
  checksum?: ChunkChecksum;
}

/** The per-request context of the tus server's callbacks (they get the raw request only). */
export const tusRequestContext = new AsyncLocalStorage<TusRequestContext>();

/** A tus data store that can also stream an upload's bytes back (both @tus stores can). */
export type ReadableDataStore = DataStore & { read(id: string): Readable | Promise<Readable> };

// What this server supports on top of the store: chunk checksums; never deferred lengths (the
// size limit and the whole-file hash need the size at creation).
const EXTENSIONS = ['creation', 'creation-with-upload', 'termination', 'expiration', 'checksum'];

/**
 * The store tus writes to: the configured file or S3 store, plus the tus checksum extension.
 * A body with an `Upload-Checksum` is spooled to a local file while hashed and only written to
 * the store when its digest matches, so a corrupt chunk leaves the offset where it was, on any
 * store. Expiry is decided by the upload records (`getExpiration` is 0 here), never by tus.
 */
export class VerifyingUploadStore extends DataStore {
  constructor(
    readonly inner: ReadableDataStore,
    private readonly spoolDirectory: string,
  ) {
    super();
    this.extensions = EXTENSIONS;
  }

  override create(upload: TusUpload): Promise<TusUpload> {
    return this.inner.create(upload);
  }

  override remove(id: string): Promise<void> {
    return this.inner.remove(id);
  }

  override getUpload(id: string): Promise<TusUpload> {
    return this.inner.getUpload(id);
  }

  override declareUploadLength(id: string, length: number): Promise<void> {
    return this.inner.declareUploadLength(id, length);
  }

  override getExpiration(): number {
    return 0;
  }

  override async write(body: http.IncomingMessage | Readable, id: string, offset: number): Promise<number> {
    const checksum = tusRequestContext.getStore()?.checksum;
    if (checksum === undefined) return this.inner.write(body, id, offset);
    await mkdir(this.spoolDirectory, { recursive: true });
    const spooled = path.join(this.spoolDirectory, `${id}.${randomUUID()}`);
    try {
      const hash = checksumHash(checksum);
      const hashing = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          hash.update(chunk);
          done(null, chunk);
        },
      });
      await pipeline(body, hashing, createWriteStream(spooled));
      const digest = hash.digest();
      if (digest.length !== checksum.digest.length || !timingSafeEqual(digest, checksum.digest)) {
        throw UploadException.chunkChecksumMismatch(checksum.algorithm);
      }
      return await this.inner.write(createReadStream(spooled), id, offset);
    } finally {
      await rm(spooled, { force: true });
    }
  }

  /** The stored bytes of an upload, streamed. */
  async read(id: string): Promise<Readable> {
    return this.inner.read(id);
  }

  /** The stored offset, or undefined when the store has no such upload. */
  async offsetOf(id: string): Promise<number | undefined> {
    try {
      return (await this.inner.getUpload(id)).offset;
    } catch (error) {
      if (error === ERRORS.FILE_NOT_FOUND || error === ERRORS.FILE_NO_LONGER_EXISTS) return undefined;
      throw error;
    }
  }

  /** Creates the upload in the store when it is not there (a creation whose first request failed before tus stored it). */
  async ensure(id: string, size: number): Promise<number> {
    const offset = await this.offsetOf(id);
    if (offset !== undefined) return offset;
    await this.inner.create(new TusUploadModel({ id, size, offset: 0, metadata: {}, creation_date: new Date().toISOString() }));
    return 0;
  }

  /** Removes an upload's bytes; one already gone is fine. */
  async discard(id: string): Promise<void> {
    try {
      await this.inner.remove(id);
    } catch (error) {
      if (error !== ERRORS.FILE_NOT_FOUND && error !== ERRORS.FILE_NO_LONGER_EXISTS) throw error;
    }
  }
}

/** The configured store: files under a directory (default) or an S3-compatible bucket. */
export function createUploadStore(config: UploadStoreConfig): VerifyingUploadStore {
  if (config.kind === 'file') {
    return new VerifyingUploadStore(new FileStore({ directory: config.directory }), path.join(config.directory, '.spool'));
  }
  // Loaded only when configured: the AWS SDK is large and the file store needs none of it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy load of an optional store
  const { S3Store } = require('@tus/s3-store') as typeof S3StoreModule;
  const store = new S3Store({
    partSize: config.partSizeBytes,
    s3ClientConfig: {
      bucket: config.bucket,
      region: config.region,
      ...(config.endpoint === undefined ? {} : { endpoint: config.endpoint }),
      forcePathStyle: config.forcePathStyle,
      ...(config.accessKeyId === undefined || config.secretAccessKey === undefined
        ? {}
        : { credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey } }),
    },
  });
  return new VerifyingUploadStore(store, path.join(tmpdir(), 'fieldforce-upload-spool'));
}
