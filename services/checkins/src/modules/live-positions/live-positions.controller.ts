import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { type AuthenticatedUser, CurrentUser, RequireAction } from '@fieldforce/auth';
import { LivePositionListResponse } from './dto/live-position.response';
import { LivePositionsQuery } from './dto/live-positions.query';
import { LivePositionsService } from './live-positions.service';

@ApiTags('live-positions')
@ApiBearerAuth()
@Controller('api/v1/live-positions')
export class LivePositionsController {
  constructor(private readonly livePositions: LivePositionsService) {}

  @Get()
  @RequireAction('checkin:read')
  @ApiOkResponse({ type: LivePositionListResponse, description: 'Latest position per user, within the reader’s scope' })
  async find(@CurrentUser() user: AuthenticatedUser, @Query() query: LivePositionsQuery): Promise<LivePositionListResponse> {
    return { items: await this.livePositions.find(user, query) };
  }
}
