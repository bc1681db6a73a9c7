import { Body, Controller, Get, Headers, HttpCode, Param, ParseIntPipe, ParseUUIDPipe, Patch, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiTags } from '@nestjs/swagger';
import { type FastifyReply } from 'fastify';
import { type AuthenticatedUser, CurrentUser, RequireAction } from '@fieldforce/auth';
import { ifMatchVersion, entityTag } from '@fieldforce/platform';
import { CreateTemplateDto, UpdateTemplateDto, type VisitTemplate } from './dto/template.dto';
import { TemplatesService } from './templates.service';

@ApiTags('visit-templates')
@ApiBearerAuth()
@Controller('api/v1/visit-templates')
export class TemplatesController {
  constructor(private readonly templates: TemplatesService) {}

  @Post()
  @HttpCode(201)
  @RequireAction('visit:configure')
  async create(
    @CurrentUser() user: AuthenticatedUser,
    @Body() body: CreateTemplateDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<VisitTemplate> {
    const template = await this.templates.create(user.tenantId, body);
    void reply.header('etag', entityTag(template.version)).header('location', `/api/v1/visit-templates/${template.id}`);
    return template;
  }

  @Get()
  @RequireAction('visit:read')
  async list(@CurrentUser() user: AuthenticatedUser): Promise<{ items: VisitTemplate[] }> {
    return { items: await this.templates.list(user.tenantId) };
  }

  @Get(':id')
  @RequireAction('visit:read')
  async get(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<VisitTemplate> {
    const template = await this.templates.get(user.tenantId, id);
    void reply.header('etag', entityTag(template.version));
    return template;
  }

  @Get(':id/versions/:version')
  @RequireAction('visit:read')
  async getVersion(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Param('version', new ParseIntPipe()) version: number,
  ): Promise<VisitTemplate> {
    return this.templates.get(user.tenantId, id, version);
  }

  @Patch(':id')
  @RequireAction('visit:configure')
  @ApiHeader({ name: 'If-Match', required: false, description: 'The ETag of the version this write replaces' })
  async update(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: UpdateTemplateDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<VisitTemplate> {
    const template = await this.templates.update(user.tenantId, id, body, ifMatchVersion(ifMatch));
    void reply.header('etag', entityTag(template.version));
    return template;
  }
}
