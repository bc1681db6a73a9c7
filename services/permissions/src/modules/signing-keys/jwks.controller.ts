import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { JWKS_PATH } from '@fieldforce/contracts';
import { type PublishedJwk, SigningKeysService } from './signing-keys.service';

/** The public keys that verify access tokens (public; the gateway routes `/.well-known/*` here). */
@ApiTags('auth')
@Controller()
export class JwksController {
  constructor(private readonly signingKeys: SigningKeysService) {}

  @Get(JWKS_PATH)
  // Verifiers may cache briefly; a new key is picked up sooner through their refetch on an unknown kid.
  @Header('cache-control', 'public, max-age=300')
  @ApiOkResponse({ description: 'JSON Web Key Set (RFC 7517) of the ES256 signing keys' })
  jwks(): Promise<{ keys: PublishedJwk[] }> {
    return this.signingKeys.jwks();
  }
}
