import { Body, Controller, Get, Param, Put, Res, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiExcludeController, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { type FastifyReply } from 'fastify';
import { type AuthenticatedUser, CurrentUser, RequireAction } from '@fieldforce/auth';
import { UploadSettingsDto, UploadSettingsResponse } from './dto/upload-settings.dto';
import { UploadVerificationResponse } from './dto/upload-verification.response';
import { UploadException } from './uploads.exception';
import { UploadsService, type UploadSettingsView, type UploadVerification } from './uploads.service';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function uploadIdOf(id: string): string {
  if (!UUID.test(id)) throw UploadException.notFound(id);
  return id.toLowerCase();
}

// A filename as a quoted-string and RFC 8187 extended value, so no header can be injected.
function contentDisposition(filename: string | null): string {
  if (filename === null) return 'attachment';
  const ascii = filename.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

@ApiTags('uploads')
@ApiBearerAuth()
@Controller('api/v1/uploads')
export class UploadsController {
  constructor(private readonly uploads: UploadsService) {}

  @Get('settings')
  @RequireAction('upload:manage')
  @ApiOkResponse({ type: UploadSettingsResponse })
  async settings(@CurrentUser() user: AuthenticatedUser): Promise<UploadSettingsView> {
    return this.uploads.settings(user.tenantId);
  }

  @Put('settings')
  @RequireAction('upload:manage')
  @ApiOkResponse({ type: UploadSettingsResponse })
  async updateSettings(@CurrentUser() user: AuthenticatedUser, @Body() body: UploadSettingsDto): Promise<UploadSettingsView> {
    return this.uploads.updateSettings(user.tenantId, body.maxUploadBytes);
  }

  @Get(':id/content')
  @ApiProduces('application/octet-stream')
  @ApiOkResponse({ description: 'The bytes of a complete upload, streamed; 404 unless the caller uploaded it or their data scope covers the uploader' })
  async content(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id') id: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<StreamableFile> {
    const { upload, content } = await this.uploads.download(user, uploadIdOf(id));
    void reply.headers({ etag: `"${upload.sha256}"`, 'x-content-type-options': 'nosniff', 'cache-control': 'private, no-cache' });
    return new StreamableFile(content, {
      type: upload.contentType ?? 'application/octet-stream',
      length: upload.size,
      disposition: contentDisposition(upload.filename),
    });
  }
}

/**
 * Reads for other services (checkins, visits) before they attach an upload to a record: called
 * directly, never through the gateway, with the user's token; answers uploads of the token's tenant.
 */
// Left out of the public API documents the gateway merges: the gateway never routes /internal.
@ApiExcludeController()
@Controller('internal/v1/uploads')
export class InternalUploadsController {
  constructor(private readonly uploads: UploadsService) {}

  @Get(':id')
  @ApiOkResponse({ type: UploadVerificationResponse })
  async verification(@CurrentUser() user: AuthenticatedUser, @Param('id') id: string): Promise<UploadVerification> {
    return this.uploads.verification(user.tenantId, uploadIdOf(id));
  }
}
