import { DomainException, type FieldError } from '../errors/domain.exception';
import { mapDomainErrors } from '../errors/problem-mapping';

export enum UploadVerificationErrorCode {
  /** No upload of the caller has this id: unknown, another user's or another tenant's (not told apart). */
  UploadUnknown = 'ATTACHED_UPLOAD_UNKNOWN',
  /** The caller's upload is not complete (still uploading, corrupt or expired): its content is not verified. */
  UploadIncomplete = 'ATTACHED_UPLOAD_INCOMPLETE',
  /** Sync could not say (unreachable, 5xx, too slow, a malformed answer): retry later, nothing was recorded. */
  UploadsUnavailable = 'UPLOADS_UNAVAILABLE',
}

/** Seconds a client waits before retrying while sync cannot verify uploads (the `Retry-After` header). */
export const UPLOADS_RETRY_AFTER_SECONDS = 5;

/** One referenced upload that cannot be attached, and why. */
export interface UploadRejection {
  field: string;
  uploadId: string;
  code: UploadVerificationErrorCode.UploadUnknown | UploadVerificationErrorCode.UploadIncomplete;
  /** Sync's status of an incomplete upload (`uploading`, `corrupt`, `expired`). */
  status?: string;
}

function rejectionMessage(rejection: UploadRejection): string {
  if (rejection.code === UploadVerificationErrorCode.UploadUnknown) return `is no upload of yours (${rejection.uploadId})`;
  switch (rejection.status) {
    case 'corrupt':
      return 'did not match its declared sha256 when it was uploaded: upload the file again';
    case 'expired':
      return 'expired before it was complete: upload the file again';
    default:
      return 'is not complete yet: finish the upload, then send this again';
  }
}

/** Why referenced uploads cannot be attached to a record; raised by `UploadVerifier`. */
export class UploadVerificationException extends DomainException<UploadVerificationErrorCode> {
  /** 422 naming every field whose upload cannot be attached; the code is that of the first one. */
  static rejected(rejections: readonly [UploadRejection, ...UploadRejection[]]): UploadVerificationException {
    const errors: FieldError[] = rejections.map((rejection) => ({ field: rejection.field, message: rejectionMessage(rejection) }));
    return new UploadVerificationException(
      rejections[0].code,
      `only complete uploads of your own can be attached: check ${rejections.map((rejection) => rejection.field).join(', ')}`,
      { errors, details: { uploads: rejections.map((rejection) => ({ ...rejection })) } },
    );
  }

  /** 503 with Retry-After: the uploads could not be verified now. */
  static unavailable(reason: string): UploadVerificationException {
    return new UploadVerificationException(
      UploadVerificationErrorCode.UploadsUnavailable,
      `the uploads cannot be verified right now (${reason}); nothing was recorded, send the same request again later`,
      { details: { retryAfterSeconds: UPLOADS_RETRY_AFTER_SECONDS } },
    );
  }
}

/** How upload verification failures map to HTTP, the same in every service that attaches uploads. */
export const uploadVerificationProblems = mapDomainErrors(UploadVerificationException, (code: UploadVerificationErrorCode) => {
  switch (code) {
    case UploadVerificationErrorCode.UploadUnknown:
      return { status: 422, title: 'Unknown upload' };
    case UploadVerificationErrorCode.UploadIncomplete:
      return { status: 422, title: 'Upload not complete' };
    case UploadVerificationErrorCode.UploadsUnavailable:
      return { status: 503, title: 'Uploads unavailable' };
    default: {
      const unmapped: never = code;
      throw new TypeError(`unmapped upload verification error code ${String(unmapped)}`);
    }
  }
});
