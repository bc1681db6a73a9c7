import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { type AuthenticatedUser, CurrentUser, RequireAction } from '@fieldforce/auth';
import { CoverageQuery, CoverageReport } from './dto/coverage-report.dto';
import { CoverageService } from './coverage-reports.service';

@ApiTags('reports')
@ApiBearerAuth()
@Controller('api/v1/reports')
export class CoverageController {
  constructor(private readonly coverage: CoverageService) {}

  @Get('coverage')
  @RequireAction('report:read')
  @ApiOkResponse({ type: CoverageReport })
  async coverageReport(@CurrentUser() user: AuthenticatedUser, @Query() query: CoverageQuery): Promise<CoverageReport> {
    return this.coverage.report(user, query);
  }
}
