import { Injectable, Module, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { type FastifyInstance } from 'fastify';
import { SERVICE_CONFIG } from '@fieldforce/platform';
import { type SyncConfig } from '../../config/sync.config';
import { UploadSettings } from './entities/upload-settings.entity';
import { Upload } from './entities/upload.entity';
import { createTusServer } from './tus/tus-server';
import { createUploadStore, type VerifyingUploadStore } from './tus/upload-store';
import { TUS_SERVER, TusController } from './tus.controller';
import { UploadCleanup } from './upload-cleanup';
import { InternalUploadsController, UploadsController } from './uploads.controller';
import { UploadsRepository } from './uploads.repository';
import { UPLOAD_STORE, UploadsService } from './uploads.service';

const OFFSET_OCTET_STREAM = 'application/offset+octet-stream';

/** Leaves tus bodies unread for the tus server to stream: never buffered, never held to the JSON body limit. */
@Injectable()
class TusBodyPassThrough implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    if (!fastify.hasContentTypeParser(OFFSET_OCTET_STREAM)) {
      fastify.addContentTypeParser(OFFSET_OCTET_STREAM, (_request, _payload, done) => done(null, undefined));
    }
  }
}

@Module({
  imports: [TypeOrmModule.forFeature([Upload, UploadSettings])],
  controllers: [UploadsController, InternalUploadsController, TusController],
  providers: [
    UploadsRepository,
    UploadsService,
    UploadCleanup,
    TusBodyPassThrough,
    { provide: UPLOAD_STORE, inject: [SERVICE_CONFIG], useFactory: (config: SyncConfig) => createUploadStore(config.uploads.store) },
    {
      provide: TUS_SERVER,
      inject: [UPLOAD_STORE, UploadsService],
      useFactory: (store: VerifyingUploadStore, uploads: UploadsService) => createTusServer(store, uploads),
    },
  ],
  exports: [UploadsService],
})
export class UploadsModule {}
