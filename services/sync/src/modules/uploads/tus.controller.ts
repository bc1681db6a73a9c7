import { Controller, Delete, Head, Inject, Options, Param, Patch, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiResponse, ApiTags } from '@nestjs/swagger';
import { type FastifyReply, type FastifyRequest } from 'fastify';
import { type Server } from '@tus/server';
import { type AuthenticatedUser, CurrentUser, Public } from '@fieldforce/auth';
import { type Upload } from './entities/upload.entity';
import { CHECKSUM_ALGORITHMS, parseUploadChecksum } from './tus/upload-checksum';
import { parseUploadMetadata } from './tus/upload-metadata';
import { type TusRequestContext, tusRequestContext } from './tus/upload-store';
import { UPLOADS_PATH } from './tus/tus-server';
import { UploadException } from './uploads.exception';
import { UploadsService } from './uploads.service';

export const TUS_SERVER = Symbol('TUS_SERVER');

const TUS_VERSION = '1.0.0';
const OFFSET_OCTET_STREAM = 'application/offset+octet-stream';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DECIMAL = /^\d{1,16}$/;

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

function assertTusVersion(request: FastifyRequest): void {
  if (header(request, 'tus-resumable') !== TUS_VERSION) throw UploadException.unsupportedVersion();
}

function uploadIdOf(id: string): string {
  if (!UUID.test(id)) throw UploadException.notFound(id);
  return id.toLowerCase();
}

/** The declared Upload-Length; deferred lengths are refused (the limit and the whole-file hash need it up front). */
function uploadLengthOf(request: FastifyRequest): number {
  if (header(request, 'upload-defer-length') !== undefined) {
    throw UploadException.invalidRequest('Upload-Defer-Length is not supported: declare Upload-Length', [{ field: 'Upload-Defer-Length', message: 'not supported' }]);
  }
  const length = header(request, 'upload-length');
  if (length === undefined || !DECIMAL.test(length)) {
    throw UploadException.invalidRequest('Upload-Length must be the file size in bytes', [{ field: 'Upload-Length', message: 'required, a non-negative integer' }]);
  }
  return Number(length);
}

function assertBodyType(request: FastifyRequest, required: boolean): void {
  const type = header(request, 'content-type');
  if (type === undefined && !required) return;
  if (type !== OFFSET_OCTET_STREAM) {
    throw UploadException.invalidRequest(`a tus body is sent as Content-Type: ${OFFSET_OCTET_STREAM}`, [{ field: 'Content-Type', message: `must be ${OFFSET_OCTET_STREAM}` }]);
  }
}

/**
 * The tus 1.0 endpoints (creation, creation-with-upload, expiration, checksum, termination).
 * Nest routes them, so the global guard authenticates every request; this controller checks
 * what the service decides (ownership, limits, idempotent creation, expiry) and then hands the
 * raw request and response to the tus server, which streams the body to the store.
 */
@ApiTags('uploads')
@ApiBearerAuth()
@ApiHeader({ name: 'Tus-Resumable', required: true, description: '1.0.0' })
@Controller(UPLOADS_PATH.slice(1))
export class TusController {
  constructor(
    private readonly uploads: UploadsService,
    @Inject(TUS_SERVER) private readonly tus: Server,
  ) {}

  @Options()
  @Public()
  @ApiResponse({ status: 204, description: 'Tus-Version, Tus-Extension, Tus-Checksum-Algorithm' })
  async discover(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    await this.delegate(request, reply, { requestId: request.id, uploadId: '', maxSizeBytes: 0 });
  }

  @Post()
  @ApiHeader({ name: 'Upload-Length', required: true })
  @ApiHeader({ name: 'Upload-Metadata', required: true, description: 'clientUploadId and sha256 required; filename, contentType, entity, entityId optional (values base64)' })
  @ApiResponse({ status: 201, description: 'Location of the upload (the same one again for a repeated client upload id) and, with a body, Upload-Offset' })
  async create(@CurrentUser() user: AuthenticatedUser, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    assertTusVersion(request);
    if (header(request, 'upload-concat') !== undefined) {
      throw UploadException.invalidRequest('the concatenation extension is not supported: upload a file as one upload', [{ field: 'Upload-Concat', message: 'not supported' }]);
    }
    const size = uploadLengthOf(request);
    assertBodyType(request, false);
    const declared = parseUploadMetadata(header(request, 'upload-metadata'));
    const checksum = parseUploadChecksum(request.headers['upload-checksum']);
    const { upload, created, maxSizeBytes } = await this.uploads.begin(user, size, declared);
    if (!created) return this.answerRepeatedCreation(upload, reply);
    setExpiry(reply, upload);
    await this.delegate(request, reply, { requestId: request.id, uploadId: upload.id, maxSizeBytes, checksum });
    await this.uploads.recordProgress(upload.id);
  }

  @Head(':id')
  @ApiResponse({ status: 200, description: 'Upload-Offset and Upload-Length; 404 for anyone but the uploader, 410 once expired, 422 once corrupt' })
  async offset(@CurrentUser() user: AuthenticatedUser, @Param('id') id: string, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    assertTusVersion(request);
    const upload = await this.uploads.resumable(user, uploadIdOf(id));
    await this.uploads.storedOffset(upload);
    setExpiry(reply, upload);
    await this.delegate(request, reply, { requestId: request.id, uploadId: upload.id, maxSizeBytes: upload.size });
  }

  @Patch(':id')
  @ApiHeader({ name: 'Upload-Offset', required: true })
  @ApiHeader({ name: 'Upload-Checksum', required: false, description: `"<algorithm> <base64 digest>" of this chunk; algorithms ${CHECKSUM_ALGORITHMS.join(', ')}; 460 when it does not match` })
  @ApiResponse({ status: 204, description: 'The new Upload-Offset; 422 when the last byte completes a file whose sha256 differs from the declared one' })
  async append(@CurrentUser() user: AuthenticatedUser, @Param('id') id: string, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    assertTusVersion(request);
    assertBodyType(request, true);
    const checksum = parseUploadChecksum(request.headers['upload-checksum']);
    const upload = await this.uploads.resumable(user, uploadIdOf(id));
    await this.uploads.storedOffset(upload);
    setExpiry(reply, upload);
    await this.delegate(request, reply, { requestId: request.id, uploadId: upload.id, maxSizeBytes: upload.size, checksum });
    await this.uploads.recordProgress(upload.id);
  }

  @Delete(':id')
  @ApiResponse({ status: 204, description: 'Terminated: bytes and record removed; 409 for a complete upload' })
  async terminate(@CurrentUser() user: AuthenticatedUser, @Param('id') id: string, @Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    assertTusVersion(request);
    const uploadId = uploadIdOf(id);
    if (!(await this.uploads.terminate(user, uploadId))) {
      await reply.code(204).header('Tus-Resumable', TUS_VERSION).send();
      return;
    }
    await this.delegate(request, reply, { requestId: request.id, uploadId, maxSizeBytes: 0 });
    if (reply.raw.statusCode !== 204) await this.uploads.discardTerminated(uploadId);
  }

  /** A creation under a client upload id seen before: the same upload's Location and where it stands, nothing new. */
  private async answerRepeatedCreation(upload: Upload, reply: FastifyReply): Promise<void> {
    const offset = await this.uploads.storedOffset(upload);
    setExpiry(reply, upload);
    await reply
      .code(201)
      .headers({ 'Tus-Resumable': TUS_VERSION, Location: `${UPLOADS_PATH}/${upload.id}`, 'Upload-Offset': String(offset) })
      .send();
  }

  /** Hands the raw request (its body unread) and response to tus, with the headers Fastify set so far. */
  private async delegate(request: FastifyRequest, reply: FastifyReply, context: TusRequestContext): Promise<void> {
    // tus would act on the overriding method; this controller checked the request as the method it was routed by.
    delete request.raw.headers['x-http-method-override'];
    reply.hijack();
    for (const [name, value] of Object.entries(reply.getHeaders())) {
      if (value !== undefined) reply.raw.setHeader(name, value);
    }
    reply.raw.setHeader('Tus-Checksum-Algorithm', CHECKSUM_ALGORITHMS.join(','));
    await tusRequestContext.run(context, () => this.tus.handle(request.raw, reply.raw));
  }
}

function setExpiry(reply: FastifyReply, upload: Upload): void {
  if (upload.status === 'uploading') void reply.header('Upload-Expires', upload.expiresAt.toUTCString());
}
