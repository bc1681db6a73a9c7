import { type DynamicModule, Module } from '@nestjs/common';
import { type UploadsConfig } from './uploads-config';
import { UPLOADS_CONFIG, UploadVerifier } from './upload-verifier';

/**
 * Provides `UploadVerifier` app-wide, reading sync at `config.url`. A service that maps errors must
 * also list `uploadVerificationProblems` among its problem mappings.
 */
@Module({})
export class UploadsModule {
  static forRoot(config: UploadsConfig): DynamicModule {
    return {
      module: UploadsModule,
      global: true,
      providers: [{ provide: UPLOADS_CONFIG, useValue: config }, UploadVerifier],
      exports: [UploadVerifier],
    };
  }
}
