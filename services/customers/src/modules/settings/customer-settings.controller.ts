import { Body, Controller, Get, Headers, Put, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { type FastifyReply } from 'fastify';
import { type AuthenticatedUser, CurrentUser, RequireAction } from '@fieldforce/auth';
import { entityTag, IdempotencyKey, type IdempotencyKeyHeader, ifMatchVersion } from '@fieldforce/platform';
import { IDEMPOTENCY_KEY_HEADER_DOC } from '../../http/write-headers';
import { CustomerSettingsService } from './customer-settings.service';
import { CustomerSettingsResponse, UpdateCustomerSettingsDto } from './dto/customer-settings.dto';

@ApiTags('customer settings')
@ApiBearerAuth()
@Controller('api/v1/customer-settings')
export class CustomerSettingsController {
  constructor(private readonly settings: CustomerSettingsService) {}

  @Get()
  @RequireAction('customer:read')
  @ApiOkResponse({ type: CustomerSettingsResponse, description: 'The tenant\'s grades, custom fields and conflict policy (the defaults at version 0)' })
  async get(@CurrentUser() user: AuthenticatedUser, @Res({ passthrough: true }) reply: FastifyReply): Promise<CustomerSettingsResponse> {
    const settings = await this.settings.get(user.tenantId);
    if (settings.version > 0) void reply.header('etag', entityTag(settings.version));
    return settings;
  }

  @Put()
  @RequireAction('customer-settings:manage')
  @ApiHeader({ name: 'If-Match', required: false, description: 'The ETag of the settings this write replaces (412 when stale)' })
  @ApiHeader(IDEMPOTENCY_KEY_HEADER_DOC)
  @ApiOkResponse({ type: CustomerSettingsResponse })
  async update(
    @CurrentUser() user: AuthenticatedUser,
    @Body() body: UpdateCustomerSettingsDto,
    @Headers('if-match') ifMatch: string | undefined,
    @IdempotencyKey() idempotency: IdempotencyKeyHeader | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CustomerSettingsResponse> {
    const settings = await this.settings.update(user, body, ifMatchVersion(ifMatch), idempotency);
    void reply.header('etag', entityTag(settings.version));
    return settings;
  }
}
