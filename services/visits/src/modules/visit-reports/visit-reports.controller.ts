import { Body, Controller, Get, Headers, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { type AuthenticatedUser, CurrentUser, RequireAction } from '@fieldforce/auth';
import { type VisitReportState } from '@fieldforce/contracts';
import { IdempotencyKey, type IdempotencyKeyHeader } from '@fieldforce/platform';
import { SubmitReportDto } from './dto/submit-report.dto';
import { VisitReportsService } from './visit-reports.service';

@ApiTags('visit-tasks')
@ApiBearerAuth()
@Controller('api/v1/visit-tasks')
export class VisitReportsController {
  constructor(private readonly reports: VisitReportsService) {}

  @Post(':id/report')
  @HttpCode(201)
  @RequireAction('task:update')
  @ApiOperation({
    summary: 'Submit the visit report',
    description:
      "Answers per step, checked against the task's template version (422 listing each problem). Taken while the task is in progress " +
      'or completed (409 naming any other status). One final report per task: the same answers again answer the stored report; other ' +
      'answers are a 409. An in-progress task already checked out completes with its report. Photo and signature uploads must be ' +
      "complete uploads of the reporting user (422 ATTACHED_UPLOAD_* naming the answer path); while they cannot be verified the " +
      'answer is 503 UPLOADS_UNAVAILABLE with Retry-After and nothing is stored.',
  })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'A replay answers the first response' })
  async submit(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: SubmitReportDto,
    @Headers('authorization') authorization: string,
    @IdempotencyKey() idempotency: IdempotencyKeyHeader | undefined,
  ): Promise<VisitReportState> {
    return this.reports.submit(user, id, body, authorization, idempotency);
  }

  @Get(':id/report')
  @RequireAction('task:read')
  async get(@CurrentUser() user: AuthenticatedUser, @Param('id', new ParseUUIDPipe()) id: string): Promise<VisitReportState> {
    return this.reports.get(user, id);
  }
}
