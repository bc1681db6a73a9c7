import { createHash, type Hash } from 'node:crypto';
import { UploadException } from '../uploads.exception';

/** The chunk checksum algorithms of the tus checksum extension this server verifies (sha1 is the one tus requires). */
export const CHECKSUM_ALGORITHMS = ['sha1', 'sha256', 'sha512'] as const;
export type ChecksumAlgorithm = (typeof CHECKSUM_ALGORITHMS)[number];

const DIGEST_BYTES: Readonly<Record<ChecksumAlgorithm, number>> = { sha1: 20, sha256: 32, sha512: 64 };
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** A chunk's declared checksum: what its bytes must hash to. */
export interface ChunkChecksum {
  algorithm: ChecksumAlgorithm;
  digest: Buffer;
}

function isAlgorithm(name: string): name is ChecksumAlgorithm {
  return (CHECKSUM_ALGORITHMS as readonly string[]).includes(name);
}

/**
 * The checksum of an `Upload-Checksum: <algorithm> <base64 digest>` header; undefined without the
 * header. A malformed header or an algorithm not offered is a 400 (tus: "Bad Request").
 */
export function parseUploadChecksum(header: string | string[] | undefined): ChunkChecksum | undefined {
  if (header === undefined) return undefined;
  const value = Array.isArray(header) ? header.join(',') : header;
  const [name, encoded, ...rest] = value.trim().split(/\s+/);
  const field = 'Upload-Checksum';
  if (!name || !encoded || rest.length > 0) {
    throw UploadException.invalidRequest('Upload-Checksum must be "<algorithm> <base64 digest>"', [{ field, message: 'malformed' }]);
  }
  const algorithm = name.toLowerCase();
  if (!isAlgorithm(algorithm)) {
    throw UploadException.invalidRequest(`checksum algorithm ${name} is not supported: use one of ${CHECKSUM_ALGORITHMS.join(', ')}`, [
      { field, message: `unsupported algorithm ${name}` },
    ]);
  }
  const digest = BASE64.test(encoded) ? Buffer.from(encoded, 'base64') : Buffer.alloc(0);
  if (digest.length !== DIGEST_BYTES[algorithm]) {
    throw UploadException.invalidRequest(`the ${algorithm} digest must be ${DIGEST_BYTES[algorithm]} bytes in base64`, [
      { field, message: 'digest of the wrong length or not base64' },
    ]);
  }
  return { algorithm, digest };
}

/** A hash of the algorithm, to feed the chunk's bytes as they stream. */
export function checksumHash(checksum: ChunkChecksum): Hash {
  return createHash(checksum.algorithm);
}
