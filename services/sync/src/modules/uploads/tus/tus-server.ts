import { ERRORS, Server } from '@tus/server';
import { PROBLEM_CONTENT_TYPE, ProblemDetailsFilter, isDomainException } from '@fieldforce/platform';
import { authProblems } from '@fieldforce/auth';
import { type UploadsService } from '../uploads.service';
import { UploadException, uploadProblems } from '../uploads.exception';
import { type TusRequestContext, tusRequestContext, type VerifyingUploadStore } from './upload-store';

/** The public path of the tus endpoint, at the gateway and on the service alike. */
export const UPLOADS_PATH = '/api/v1/uploads';

interface TusError {
  status_code: number;
  body: string;
}

function isTusError(error: unknown): error is TusError {
  return typeof error === 'object' && error !== null && typeof (error as TusError).status_code === 'number' && typeof (error as TusError).body === 'string';
}

function contextOf(): TusRequestContext {
  const context = tusRequestContext.getStore();
  // Every request reaches the tus server through TusController, which sets the context.
  if (!context) throw new Error('tus request outside TusController');
  return context;
}

/** A tus error (plain text in tus) as the upload exception this service answers with. */
function asException(error: unknown, aborted: boolean): unknown {
  if (isDomainException(error) || !isTusError(error)) {
    if (aborted && !isDomainException(error)) return UploadException.invalidRequest('the request body was interrupted; ask with HEAD where to resume');
    return error;
  }
  const { uploadId, maxSizeBytes } = contextOf();
  switch (error.status_code) {
    case 404:
    case 410:
      return UploadException.notFound(uploadId);
    case 409:
      return UploadException.offsetMismatch(uploadId);
    case 413:
      return UploadException.tooLarge(maxSizeBytes, `the body goes past the upload's length: ${error.body.trim()}`);
    default:
      if (error === ERRORS.FILE_WRITE_ERROR && aborted) return UploadException.invalidRequest('the request body was interrupted; ask with HEAD where to resume');
      if (error === ERRORS.ERR_LOCK_TIMEOUT) return UploadException.busy(uploadId);
      // 4xx, and 501 for an extension this server does not offer (concatenation).
      if ((error.status_code >= 400 && error.status_code < 500) || error.status_code === 501) return UploadException.invalidRequest(error.body.trim());
      return new Error(`tus error ${error.status_code}: ${error.body.trim()}`);
  }
}

/**
 * The tus 1.0 server behind `/api/v1/uploads`: ids and limits come from the request context the
 * controller set, Location is the public path, the whole file's sha256 is checked on the last
 * byte, and every error is answered as problem+json, like the rest of the service.
 */
export function createTusServer(store: VerifyingUploadStore, uploads: UploadsService): Server {
  const problems = new ProblemDetailsFilter([uploadProblems, authProblems]);
  return new Server({
    path: UPLOADS_PATH,
    datastore: store,
    relativeLocation: true,
    namingFunction: () => contextOf().uploadId,
    getFileIdFromRequest: () => contextOf().uploadId,
    maxSize: () => contextOf().maxSizeBytes,
    // Completed uploads may already be attached to check-ins and visit reports.
    disableTerminationForFinishedUploads: true,
    onUploadFinish: async (_request, response, upload) => {
      await uploads.verifyContent(upload.id);
      return response;
    },
    onResponseError: (request, response, error) => {
      const exception = asException(error, request.destroyed || request.readableAborted);
      const problem = problems.render(exception, { url: request.url ?? UPLOADS_PATH, id: contextOf().requestId });
      if (!response.headersSent) response.setHeader('Content-Type', PROBLEM_CONTENT_TYPE);
      return { status_code: problem.status, body: JSON.stringify(problem) };
    },
  });
}
