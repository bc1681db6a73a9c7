import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { AccessPolicy, type AuthenticatedUser, CurrentPolicy, CurrentUser } from '@fieldforce/auth';
import { type CustomerState } from '@fieldforce/contracts';
import { IdempotencyKey, type IdempotencyKeyHeader, type MutationResult } from '@fieldforce/platform';
import { CustomerMutationDto } from './dto/mutation.dto';
import { MutationsService } from './mutations.service';

/**
 * The sync service's entry for offline changes, with the user's token. Internal: the gateway never
 * routes `/internal`, and it is left out of the public API documents (see the service README).
 */
@ApiExcludeController()
@Controller('internal/v1/mutations')
export class MutationsController {
  constructor(private readonly mutations: MutationsService) {}

  @Post()
  @HttpCode(200)
  async apply(
    @CurrentUser() user: AuthenticatedUser,
    @CurrentPolicy() policy: AccessPolicy,
    @Body() body: CustomerMutationDto,
    @IdempotencyKey() idempotency: IdempotencyKeyHeader | undefined,
  ): Promise<MutationResult<CustomerState>> {
    return this.mutations.apply(user, policy, body, idempotency);
  }
}
