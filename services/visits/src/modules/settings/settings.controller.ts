import { Body, Controller, Get, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { type AuthenticatedUser, CurrentUser, RequireAction } from '@fieldforce/auth';
import { VisitSettingsDto } from './dto/visit-settings.dto';
import { TenantSettingsRepository } from './tenant-settings.repository';

@ApiTags('visit-settings')
@ApiBearerAuth()
@Controller('api/v1/visit-settings')
export class SettingsController {
  constructor(private readonly settings: TenantSettingsRepository) {}

  @Get()
  @RequireAction('visit:read')
  @ApiOkResponse({ type: VisitSettingsDto })
  async get(@CurrentUser() user: AuthenticatedUser): Promise<VisitSettingsDto> {
    return { timeZone: await this.settings.timeZone(user.tenantId) };
  }

  @Put()
  @RequireAction('visit:configure')
  @ApiOkResponse({ type: VisitSettingsDto })
  async update(@CurrentUser() user: AuthenticatedUser, @Body() body: VisitSettingsDto): Promise<VisitSettingsDto> {
    await this.settings.setTimeZone(user.tenantId, body.timeZone);
    return { timeZone: body.timeZone };
  }
}
