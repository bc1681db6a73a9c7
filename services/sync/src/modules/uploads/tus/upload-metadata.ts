import { type FieldError } from '@fieldforce/platform';
import { Metadata } from '@tus/server';
import { UploadException } from '../uploads.exception';

/** What a device declares about a file in `Upload-Metadata` when it creates the upload. */
export interface DeclaredUpload {
  clientUploadId: string;
  /** Lower-case hex SHA-256 of the whole file. */
  sha256: string;
  filename: string | null;
  contentType: string | null;
  entity: string | null;
  entityId: string | null;
}

const CLIENT_UPLOAD_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const SHA256_HEX = /^[0-9a-fA-F]{64}$/;
// type/subtype with optional parameters, as RFC 9110 tokens; stored and sent back as the download's Content-Type.
const MEDIA_TYPE = /^[A-Za-z0-9!#$&^_.+-]{1,64}\/[A-Za-z0-9!#$&^_.+-]{1,64}(\s*;\s*[A-Za-z0-9!#$&^_.+-]+=("[^"\\\p{Cc}]*"|[A-Za-z0-9!#$&^_.+-]+))*$/u;
const ENTITY = /^[a-z][a-z0-9-]{0,63}$/;
const ENTITY_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const MAX_FILENAME = 255;
const KNOWN_KEYS = new Set(['clientUploadId', 'sha256', 'filename', 'contentType', 'entity', 'entityId']);

function optional(metadata: Record<string, string | null>, key: string, valid: (value: string) => boolean, message: string, errors: FieldError[]): string | null {
  const value = metadata[key];
  if (value === undefined || value === null || value === '') return null;
  if (!valid(value)) errors.push({ field: `metadata.${key}`, message });
  return value;
}

/**
 * The declared file of an `Upload-Metadata` header (tus: comma-separated `key base64value`):
 * `clientUploadId` and `sha256` required, `filename`, `contentType`, `entity`, `entityId` optional;
 * other keys are ignored. Anything malformed is a 400 naming the fields.
 */
export function parseUploadMetadata(header: string | undefined): DeclaredUpload {
  let metadata: Record<string, string | null>;
  try {
    metadata = header === undefined ? {} : Metadata.parse(header);
  } catch {
    throw UploadException.invalidRequest('Upload-Metadata must be comma-separated "key base64value" pairs with unique keys', [
      { field: 'Upload-Metadata', message: 'malformed' },
    ]);
  }
  const errors: FieldError[] = [];
  const clientUploadId = metadata.clientUploadId ?? '';
  if (!CLIENT_UPLOAD_ID.test(clientUploadId)) {
    errors.push({ field: 'metadata.clientUploadId', message: 'required: 1 to 128 of A-Z a-z 0-9 . _ : -' });
  }
  const sha256 = metadata.sha256 ?? '';
  if (!SHA256_HEX.test(sha256)) errors.push({ field: 'metadata.sha256', message: 'required: the hex SHA-256 of the whole file' });
  const declared: DeclaredUpload = {
    clientUploadId,
    sha256: sha256.toLowerCase(),
    filename: optional(metadata, 'filename', (value) => value.length <= MAX_FILENAME && !/[\p{Cc}/\\]/u.test(value), `at most ${MAX_FILENAME} characters, no control characters or slashes`, errors),
    contentType: optional(metadata, 'contentType', (value) => MEDIA_TYPE.test(value), 'a media type such as image/jpeg', errors),
    entity: optional(metadata, 'entity', (value) => ENTITY.test(value), 'a lower-case entity name such as check-in', errors),
    entityId: optional(metadata, 'entityId', (value) => ENTITY_ID.test(value), '1 to 128 of A-Z a-z 0-9 . _ : -', errors),
  };
  if (errors.length > 0) throw UploadException.invalidRequest(`Upload-Metadata is not valid: ${errors.map((error) => error.field).join(', ')}`, errors);
  return declared;
}

/** Whether `key` is one of the metadata keys this server reads. */
export function isKnownMetadataKey(key: string): boolean {
  return KNOWN_KEYS.has(key);
}
