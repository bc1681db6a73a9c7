import { Body, Controller, Headers, HttpCode, Post } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { AccessPolicy, type AuthenticatedUser, CurrentPolicy, CurrentUser } from '@fieldforce/auth';
import { type VisitReportState } from '@fieldforce/contracts';
import { IdempotencyKey, type IdempotencyKeyHeader, type MutationResult } from '@fieldforce/platform';
import { type VisitTask } from '../tasks/dto/task.dto';
import { VisitMutationDto } from './dto/mutation.dto';
import { MutationsService } from './mutations.service';

/**
 * The sync service's entry for offline changes of visit tasks and reports, with the user's token.
 * Internal: the gateway never routes `/internal`, and it is left out of the public API documents.
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
    @Body() body: VisitMutationDto,
    @Headers('authorization') authorization: string,
    @IdempotencyKey() idempotency: IdempotencyKeyHeader | undefined,
  ): Promise<MutationResult<VisitTask | VisitReportState>> {
    return this.mutations.apply(user, policy, body, authorization, idempotency);
  }
}
