import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { type AccessPolicy, type AuthenticatedUser, CurrentPolicy, CurrentUser } from '@fieldforce/auth';
import { PullQuery } from './dto/pull.query';
import { PullResponse } from './dto/pull.response';
import { type FeedPage, FeedService } from './feed.service';
import { DEFAULT_PAGE_SIZE } from '@fieldforce/platform';

@ApiTags('sync')
@ApiBearerAuth()
@Controller('api/v1/sync')
export class FeedController {
  constructor(private readonly feed: FeedService) {}

  @Get('pull')
  @ApiOkResponse({
    type: PullResponse,
    description: 'Changes after the cursor; 400 for a cursor this service did not issue to the caller, 410 (details.reset) when the device must reload',
  })
  async pull(@CurrentUser() user: AuthenticatedUser, @CurrentPolicy() policy: AccessPolicy, @Query() query: PullQuery): Promise<FeedPage> {
    return this.feed.pull(user, policy, { cursor: query.cursor, limit: query.limit ?? DEFAULT_PAGE_SIZE, clientId: query.clientId ?? user.deviceId });
  }
}
