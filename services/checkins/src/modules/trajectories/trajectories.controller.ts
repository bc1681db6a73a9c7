import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { type AuthenticatedUser, CurrentUser, RequireAction } from '@fieldforce/auth';
import { IngestResultResponse } from './dto/ingest-result.response';
import { type TrackPointBatch, TrackPointBatchDto, TrackPointBatchPipe } from './dto/track-point-batch.dto';
import { TrackQuery, TrackRangeQuery } from './dto/track.query';
import { StopListResponse, TrackResponse, TripListResponse } from './dto/track.response';
import { TrackingSettingsDto } from './dto/tracking-settings.dto';
import { TrackIngestService } from './track-ingest.service';
import { TrajectoriesService } from './trajectories.service';

@ApiTags('trajectories')
@ApiBearerAuth()
@Controller('api/v1/trajectories')
export class TrajectoriesController {
  constructor(
    private readonly ingest: TrackIngestService,
    private readonly trajectories: TrajectoriesService,
  ) {}

  @Post('points')
  @HttpCode(200)
  @RequireAction('checkin:create')
  @ApiBody({ type: TrackPointBatchDto })
  @ApiOkResponse({ type: IngestResultResponse, description: 'Per batch: points stored now, points stored before, points refused' })
  async ingestPoints(
    @CurrentUser() user: AuthenticatedUser,
    @Body(TrackPointBatchPipe) body: TrackPointBatch,
  ): Promise<IngestResultResponse> {
    return this.ingest.ingest(user, body);
  }

  @Get('settings')
  @RequireAction('checkin:manage')
  @ApiOkResponse({ type: TrackingSettingsDto })
  async settings(@CurrentUser() user: AuthenticatedUser): Promise<TrackingSettingsDto> {
    return this.ingest.settings(user.tenantId);
  }

  @Put('settings')
  @RequireAction('checkin:manage')
  @ApiOkResponse({ type: TrackingSettingsDto })
  async updateSettings(@CurrentUser() user: AuthenticatedUser, @Body() body: TrackingSettingsDto): Promise<TrackingSettingsDto> {
    return this.ingest.saveSettings(user.tenantId, body.retentionDays, body.privacy);
  }

  @Get(':userId')
  @RequireAction('checkin:read')
  @ApiOkResponse({ type: TrackResponse, description: 'GeoJSON Feature with a LineString and the mileage' })
  async track(
    @CurrentUser() user: AuthenticatedUser,
    @Param('userId', new ParseUUIDPipe()) userId: string,
    @Query() query: TrackQuery,
  ): Promise<TrackResponse> {
    return this.trajectories.track(user, userId, query);
  }

  @Get(':userId/stops')
  @RequireAction('checkin:read')
  @ApiOkResponse({ type: StopListResponse, description: 'Stays of at least 5 minutes within 50 m' })
  async stops(
    @CurrentUser() user: AuthenticatedUser,
    @Param('userId', new ParseUUIDPipe()) userId: string,
    @Query() query: TrackRangeQuery,
  ): Promise<StopListResponse> {
    return { items: await this.trajectories.stops(user, userId, query) };
  }

  @Get(':userId/trips')
  @RequireAction('checkin:read')
  @ApiOkResponse({ type: TripListResponse, description: 'Movement of at least 100 m between stops' })
  async trips(
    @CurrentUser() user: AuthenticatedUser,
    @Param('userId', new ParseUUIDPipe()) userId: string,
    @Query() query: TrackRangeQuery,
  ): Promise<TripListResponse> {
    return { items: await this.trajectories.trips(user, userId, query) };
  }
}
