import { Controller, Get, Header, NotFoundException, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { type FastifyReply } from 'fastify';
import { ApiDocsService, SWAGGER_ASSETS, type SwaggerAsset } from './api-docs.service';
import { type OpenApiDocument } from './openapi-merge';

@ApiExcludeController()
@Controller('docs')
export class DocsController {
  constructor(private readonly docs: ApiDocsService) {}

  @Get()
  @Header('content-type', 'text/html; charset=utf-8')
  page(): string {
    return this.docs.page();
  }

  @Get('openapi.json')
  document(): Promise<OpenApiDocument> {
    return this.docs.document();
  }

  @Get('assets/:file')
  @Header('cache-control', 'public, max-age=86400')
  asset(@Param('file') file: string, @Res({ passthrough: true }) reply: FastifyReply): Buffer {
    if (!(file in SWAGGER_ASSETS)) throw new NotFoundException(`no asset ${file}`);
    const { body, contentType } = this.docs.asset(file as SwaggerAsset);
    void reply.header('content-type', contentType);
    return body;
  }
}
