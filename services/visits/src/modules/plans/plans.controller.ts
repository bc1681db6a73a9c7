import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { type AuthenticatedUser, CurrentUser, RequireAction } from '@fieldforce/auth';
import { GeneratePlanDto, PlanResultDto } from './dto/generate-plan.dto';
import { PlansService } from './plans.service';

@ApiTags('visit-plans')
@ApiBearerAuth()
@Controller('api/v1/visit-plans')
export class PlansController {
  constructor(private readonly plans: PlansService) {}

  @Post('generate')
  @HttpCode(200)
  @RequireAction('task:create')
  @ApiOkResponse({ type: PlanResultDto })
  async generate(@CurrentUser() user: AuthenticatedUser, @Body() body: GeneratePlanDto): Promise<PlanResultDto> {
    return this.plans.generate(user, body);
  }
}
