import { DomainException, type FieldError, mapDomainErrors } from '@fieldforce/platform';

export enum UploadErrorCode {
  /** Unknown, someone else's upload, or another tenant's: the same answer, so neither is revealed. */
  NotFound = 'UPLOAD_NOT_FOUND',
  /** A tus request that breaks the protocol as this server speaks it (headers, metadata). */
  InvalidRequest = 'UPLOAD_INVALID_REQUEST',
  /** Tus-Resumable missing or a version other than 1.0.0. */
  UnsupportedVersion = 'UPLOAD_UNSUPPORTED_VERSION',
  /** Upload-Length above the tenant's limit, or a body past the declared length. */
  TooLarge = 'UPLOAD_TOO_LARGE',
  /** The client upload id was used before for a different file (another size or hash). */
  ClientUploadIdReused = 'UPLOAD_CLIENT_ID_REUSED',
  /** Upload-Offset is not where the upload stands. */
  OffsetMismatch = 'UPLOAD_OFFSET_MISMATCH',
  /** The chunk's Upload-Checksum does not match its bytes; nothing of it was stored. */
  ChunkChecksumMismatch = 'UPLOAD_CHUNK_CHECKSUM_MISMATCH',
  /** The whole file's sha256 does not match the declared one: the upload is corrupt for good. */
  ContentHashMismatch = 'UPLOAD_CONTENT_HASH_MISMATCH',
  /** An incomplete upload past its expiry: gone. */
  Expired = 'UPLOAD_EXPIRED',
  /** A complete upload may be attached to records already: it is never terminated. */
  CompleteNotTerminable = 'UPLOAD_COMPLETE_NOT_TERMINABLE',
  /** Another request holds the upload's lock and did not let go in time. */
  Busy = 'UPLOAD_BUSY',
}

/** Errors of resumable uploads; build them with the static factories. */
export class UploadException extends DomainException<UploadErrorCode> {
  static notFound(id: string): UploadException {
    return new UploadException(UploadErrorCode.NotFound, `upload ${id} not found`, { details: { id } });
  }

  static invalidRequest(message: string, errors?: FieldError[]): UploadException {
    return new UploadException(UploadErrorCode.InvalidRequest, message, { errors });
  }

  static unsupportedVersion(): UploadException {
    return new UploadException(UploadErrorCode.UnsupportedVersion, 'send Tus-Resumable: 1.0.0 (the only tus version this server speaks)', {
      details: { tusVersion: '1.0.0' },
    });
  }

  static tooLarge(limitBytes: number, reason: string): UploadException {
    return new UploadException(UploadErrorCode.TooLarge, reason, { details: { limitBytes } });
  }

  static clientUploadIdReused(clientUploadId: string, id: string): UploadException {
    return new UploadException(
      UploadErrorCode.ClientUploadIdReused,
      `client upload id ${clientUploadId} belongs to upload ${id} of another size or sha256: use a new client upload id for a new file`,
      { details: { clientUploadId, id } },
    );
  }

  static offsetMismatch(id: string): UploadException {
    return new UploadException(UploadErrorCode.OffsetMismatch, `Upload-Offset is not the offset of upload ${id}: ask with HEAD and resume from there`, {
      details: { id },
    });
  }

  static chunkChecksumMismatch(algorithm: string): UploadException {
    return new UploadException(
      UploadErrorCode.ChunkChecksumMismatch,
      `the chunk's ${algorithm} checksum does not match its bytes; nothing of it was stored, resend it from the same offset`,
      { details: { algorithm } },
    );
  }

  static contentHashMismatch(id: string, expected: string, actual: string): UploadException {
    return new UploadException(
      UploadErrorCode.ContentHashMismatch,
      `the content of upload ${id} does not have the declared sha256; it was discarded and can never be attached: upload the file again under a new client upload id`,
      { details: { id, expected, actual } },
    );
  }

  static corrupt(id: string): UploadException {
    return new UploadException(UploadErrorCode.ContentHashMismatch, `upload ${id} failed its sha256 check and was discarded`, { details: { id } });
  }

  static expired(id: string, expiresAt: Date): UploadException {
    return new UploadException(UploadErrorCode.Expired, `upload ${id} was not completed before ${expiresAt.toISOString()} and is gone: start a new one`, {
      details: { id, expiresAt: expiresAt.toISOString() },
    });
  }

  static busy(id: string): UploadException {
    return new UploadException(UploadErrorCode.Busy, `another request is writing upload ${id}; retry shortly`, { details: { id } });
  }

  static completeNotTerminable(id: string): UploadException {
    return new UploadException(UploadErrorCode.CompleteNotTerminable, `upload ${id} is complete and may be attached to records: it is kept`, {
      details: { id },
    });
  }
}

export const uploadProblems = mapDomainErrors(UploadException, (code: UploadErrorCode) => {
  switch (code) {
    case UploadErrorCode.NotFound:
      return { status: 404, title: 'Upload not found' };
    case UploadErrorCode.InvalidRequest:
      return { status: 400, title: 'Invalid upload request' };
    case UploadErrorCode.UnsupportedVersion:
      return { status: 412, title: 'Unsupported tus version' };
    case UploadErrorCode.TooLarge:
      return { status: 413, title: 'Upload too large' };
    case UploadErrorCode.ClientUploadIdReused:
      return { status: 422, title: 'Client upload id reused' };
    case UploadErrorCode.OffsetMismatch:
      return { status: 409, title: 'Upload offset mismatch' };
    case UploadErrorCode.ChunkChecksumMismatch:
      // tus checksum extension: 460 Checksum Mismatch.
      return { status: 460, title: 'Checksum mismatch' };
    case UploadErrorCode.ContentHashMismatch:
      // Not 409 or 460: tus clients retry those, and no retry can repair this upload.
      return { status: 422, title: 'Upload content hash mismatch' };
    case UploadErrorCode.Expired:
      return { status: 410, title: 'Upload expired' };
    case UploadErrorCode.CompleteNotTerminable:
      return { status: 409, title: 'Complete upload kept' };
    case UploadErrorCode.Busy:
      // tus clients retry 423 Locked.
      return { status: 423, title: 'Upload busy' };
    default: {
      const unmapped: never = code;
      throw new TypeError(`unmapped upload error code ${String(unmapped)}`);
    }
  }
});
