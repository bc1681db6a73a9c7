import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { type AuthenticatedUser, CurrentUser, RequireAction } from '@fieldforce/auth';
import { IngestResultResponse } from './dto/ingest-result.response';
import { TrackPointBatchDto } from './dto/track-point-batch.dto';
import { TrackIngestService } from './track-ingest.service';

@ApiTags('trajectories')
@ApiBearerAuth()
@Controller('api/v1/trajectories')
export class TrajectoriesController {
  constructor(private readonly ingest: TrackIngestService) {}

  @Post('points')
  @HttpCode(200)
  @RequireAction('checkin:create')
  @ApiOkResponse({ type: IngestResultResponse, description: 'Per batch: points stored now, points stored before, points refused' })
  async ingestPoints(@CurrentUser() user: AuthenticatedUser, @Body() body: TrackPointBatchDto): Promise<IngestResultResponse> {
    return this.ingest.ingest(user, body);
  }
}
