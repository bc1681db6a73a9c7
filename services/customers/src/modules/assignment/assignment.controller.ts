import { Body, Controller, HttpCode, Param, ParseUUIDPipe, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { AccessPolicy, type AuthenticatedUser, CurrentPolicy, CurrentUser, RequireAction } from '@fieldforce/auth';
import { IdempotencyKey, type IdempotencyKeyHeader } from '@fieldforce/platform';
import { AssignmentService } from './assignment.service';
import { IDEMPOTENCY_KEY_HEADER_DOC } from '../../http/write-headers';
import { GeoPointDto } from '../customers/dto/create-customer.dto';
import { AssignCustomersDto, AssignResult } from './dto/assign-customers.dto';
import { AutoAssignDto, AutoAssignResult, HomeBaseResponse } from './dto/auto-assign.dto';

@ApiTags('customer assignment')
@ApiBearerAuth()
@Controller('api/v1/customers')
export class AssignmentController {
  constructor(private readonly assignment: AssignmentService) {}

  @Post('assign')
  @HttpCode(200)
  @RequireAction('customer:assign')
  @ApiHeader(IDEMPOTENCY_KEY_HEADER_DOC)
  @ApiOkResponse({ type: AssignResult, description: 'One entry per customer: assigned, or unchanged when it had that owner already' })
  async assign(
    @CurrentUser() user: AuthenticatedUser,
    @CurrentPolicy() policy: AccessPolicy,
    @Body() body: AssignCustomersDto,
    @IdempotencyKey() idempotency: IdempotencyKeyHeader | undefined,
  ): Promise<AssignResult> {
    return this.assignment.assign(user, policy, body, idempotency);
  }

  @Post('auto-assign')
  @HttpCode(200)
  @RequireAction('customer:assign')
  @ApiHeader(IDEMPOTENCY_KEY_HEADER_DOC)
  @ApiOkResponse({ type: AutoAssignResult, description: 'The moves (proposed, or applied unless dryRun) and each rep\'s workload before and after' })
  async autoAssign(
    @CurrentUser() user: AuthenticatedUser,
    @CurrentPolicy() policy: AccessPolicy,
    @Body() body: AutoAssignDto,
    @IdempotencyKey() idempotency: IdempotencyKeyHeader | undefined,
  ): Promise<AutoAssignResult> {
    return this.assignment.autoAssign(user, policy, body, idempotency);
  }

  @Put('reps/:userId/home-base')
  @RequireAction('customer:assign')
  @ApiOkResponse({ type: HomeBaseResponse, description: 'Where the rep starts their day, for the nearest strategy' })
  async setHomeBase(
    @CurrentUser() user: AuthenticatedUser,
    @Param('userId', new ParseUUIDPipe()) userId: string,
    @Body() body: GeoPointDto,
  ): Promise<HomeBaseResponse> {
    return this.assignment.setHomeBase(user, userId, body);
  }
}
