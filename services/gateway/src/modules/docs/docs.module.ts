import { Module } from '@nestjs/common';
import { ApiDocsService } from './api-docs.service';
import { DocsController } from './docs.controller';

@Module({ controllers: [DocsController], providers: [ApiDocsService] })
export class DocsModule {}
