import { createHash } from 'node:crypto';
import { UploadErrorCode, UploadException } from '../uploads.exception';
import { parseUploadChecksum } from './upload-checksum';

function rejection(header: string): UploadException {
  try {
    parseUploadChecksum(header);
  } catch (error) {
    if (error instanceof UploadException) return error;
    throw error;
  }
  throw new Error(`"${header}" was accepted`);
}

describe(parseUploadChecksum.name, () => {
  const sha1 = createHash('sha1').update('hello').digest();

  it('reads the algorithm and the base64 digest', () => {
    expect(parseUploadChecksum(`sha1 ${sha1.toString('base64')}`)).toEqual({ algorithm: 'sha1', digest: sha1 });
    const sha256 = createHash('sha256').update('hello').digest();
    expect(parseUploadChecksum(`SHA256  ${sha256.toString('base64')} `)).toEqual({ algorithm: 'sha256', digest: sha256 });
  });

  it('is undefined without the header', () => {
    expect(parseUploadChecksum(undefined)).toBeUndefined();
  });

  it('refuses unsupported algorithms, malformed values and digests of the wrong length with 400 codes', () => {
    for (const header of [`md5 ${sha1.toString('base64')}`, 'sha1', `sha1 ${sha1.toString('base64')} extra`, 'sha1 not*base64', `sha256 ${sha1.toString('base64')}`]) {
      expect(rejection(header).code).toBe(UploadErrorCode.InvalidRequest);
    }
  });
});
