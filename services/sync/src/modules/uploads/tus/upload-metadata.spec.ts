import { UploadErrorCode, UploadException } from '../uploads.exception';
import { parseUploadMetadata } from './upload-metadata';

const SHA = 'A'.repeat(64);
const b64 = (value: string): string => Buffer.from(value).toString('base64');
const header = (pairs: Record<string, string>): string =>
  Object.entries(pairs)
    .map(([key, value]) => `${key} ${b64(value)}`)
    .join(',');

function fieldsRefused(value: string | undefined): string[] {
  try {
    parseUploadMetadata(value);
  } catch (error) {
    if (error instanceof UploadException && error.code === UploadErrorCode.InvalidRequest) return (error.errors ?? []).map((e) => e.field);
    throw error;
  }
  throw new Error('accepted');
}

describe(parseUploadMetadata.name, () => {
  it('reads the declared file, the hash lower-cased, absent optional keys as null', () => {
    expect(parseUploadMetadata(header({ clientUploadId: 'photo-1', sha256: SHA, contentType: 'image/jpeg', entity: 'check-in', unknown: 'x' }))).toEqual({
      clientUploadId: 'photo-1',
      sha256: 'a'.repeat(64),
      filename: null,
      contentType: 'image/jpeg',
      entity: 'check-in',
      entityId: null,
    });
  });

  it('requires a client upload id and the whole-file sha256', () => {
    expect(fieldsRefused(undefined)).toEqual(['metadata.clientUploadId', 'metadata.sha256']);
    expect(fieldsRefused(header({ clientUploadId: 'a b', sha256: 'abc' }))).toEqual(['metadata.clientUploadId', 'metadata.sha256']);
  });

  it('refuses header-injecting content types, path-like filenames and a malformed header', () => {
    expect(fieldsRefused(header({ clientUploadId: 'p', sha256: SHA, contentType: 'text/html\r\nx: y', filename: '../etc/passwd' }))).toEqual([
      'metadata.filename',
      'metadata.contentType',
    ]);
    expect(fieldsRefused('clientUploadId !!!,,')).toEqual(['Upload-Metadata']);
  });
});
