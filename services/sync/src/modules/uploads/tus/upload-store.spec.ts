import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { Upload as TusUpload } from '@tus/server';
import { S3Store } from '@tus/s3-store';
import { UploadErrorCode, UploadException } from '../uploads.exception';
import { createUploadStore, tusRequestContext, type VerifyingUploadStore } from './upload-store';

const ID = '01a23c74-bdb7-72b6-a457-eadcea7fe1ba';

describe('VerifyingUploadStore', () => {
  let directory: string;
  let store: VerifyingUploadStore;

  beforeEach(async () => {
    directory = mkdtempSync(path.join(tmpdir(), 'upload-store-'));
    store = createUploadStore({ kind: 'file', directory });
    await store.create(new TusUpload({ id: ID, size: 300, offset: 0, metadata: {}, creation_date: new Date().toISOString() }));
  });

  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  const withChecksum = <T>(digest: Buffer, run: () => Promise<T>): Promise<T> =>
    tusRequestContext.run({ requestId: 'test', uploadId: ID, maxSizeBytes: 300, checksum: { algorithm: 'sha1', digest } }, run);
  const sha1 = (bytes: Buffer): Buffer => createHash('sha1').update(bytes).digest();

  it('stores a chunk whose checksum matches, and one without a checksum as it comes', async () => {
    const first = randomBytes(100);
    expect(await withChecksum(sha1(first), () => store.write(Readable.from([first]), ID, 0))).toBe(100);
    const second = randomBytes(100);
    expect(await store.write(Readable.from([second]), ID, 100)).toBe(200);
    expect(await store.offsetOf(ID)).toBe(200);
    const stored: Buffer[] = [];
    for await (const chunk of await store.read(ID)) stored.push(chunk as Buffer);
    expect(Buffer.concat(stored).equals(Buffer.concat([first, second]))).toBe(true);
  });

  it('stores nothing of a chunk whose checksum does not match, and leaves no spooled file', async () => {
    const chunk = randomBytes(150);
    const error = await withChecksum(sha1(randomBytes(150)), () => store.write(Readable.from([chunk.subarray(0, 70), chunk.subarray(70)]), ID, 0)).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(UploadException);
    expect((error as UploadException).code).toBe(UploadErrorCode.ChunkChecksumMismatch);
    expect(await store.offsetOf(ID)).toBe(0);
    expect(readdirSync(path.join(directory, '.spool'))).toEqual([]);
  });

  it('advertises the checksum extension, never deferred lengths, and leaves expiry to the records', () => {
    expect(store.extensions).toEqual(expect.arrayContaining(['creation', 'creation-with-upload', 'termination', 'expiration', 'checksum']));
    expect(store.extensions).not.toContain('creation-defer-length');
    expect(store.getExpiration()).toBe(0);
  });

  it('answers undefined for the offset of an upload it does not have, and discards one twice without complaint', async () => {
    expect(await store.offsetOf('01a23c74-0000-7000-8000-000000000000')).toBeUndefined();
    await store.discard(ID);
    await store.discard(ID);
    expect(await store.offsetOf(ID)).toBeUndefined();
  });
});

describe(createUploadStore.name, () => {
  it('wires the S3 store when configured (constructed only: no bucket is reached here)', () => {
    const store = createUploadStore({
      kind: 's3',
      bucket: 'uploads',
      region: 'eu-central-1',
      endpoint: 'http://127.0.0.1:9000',
      accessKeyId: 'key',
      secretAccessKey: 'secret',
      forcePathStyle: true,
      partSizeBytes: 8 * 1024 ** 2,
    });
    expect(store.inner).toBeInstanceOf(S3Store);
    expect(store.extensions).toContain('checksum');
  });
});
