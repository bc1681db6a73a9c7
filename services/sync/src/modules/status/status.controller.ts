import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { type AuthenticatedUser, CurrentUser } from '@fieldforce/auth';
import { StatusQuery } from '../feed/dto/pull.query';
import { SyncStatusResponse } from './dto/sync-status.response';
import { SyncStatusService } from './status.service';

@ApiTags('sync')
@ApiBearerAuth()
@Controller('api/v1/sync')
export class SyncStatusController {
  constructor(private readonly syncStatus: SyncStatusService) {}

  @Get('status')
  @ApiOkResponse({ type: SyncStatusResponse, description: 'Last applied mutation, last cursor and open uploads; 403 for a client id of another user' })
  async status(@CurrentUser() user: AuthenticatedUser, @Query() query: StatusQuery): Promise<SyncStatusResponse> {
    return this.syncStatus.status(user, query.clientId ?? user.deviceId);
  }
}
