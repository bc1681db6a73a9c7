import { Global, Module } from '@nestjs/common';
import { SigningKeysModule } from '../signing-keys/signing-keys.module';
import { AccessTokenGuard } from './access-token.guard';

/** The guard every feature controller uses; global so feature modules need not import it. */
@Global()
@Module({
  imports: [SigningKeysModule],
  providers: [AccessTokenGuard],
  exports: [AccessTokenGuard, SigningKeysModule],
})
export class AccessModule {}
