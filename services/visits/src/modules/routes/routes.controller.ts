import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { type AuthenticatedUser, CurrentUser, RequireAction } from '@fieldforce/auth';
import { type RecommendedRoute, RouteQuery } from './dto/route.dto';
import { RoutesService } from './routes.service';

// Shares the /visit-tasks prefix with the tasks controller: Fastify's router matches the static
// segment `route` before the `:id` parameter, whatever the registration order.
@ApiTags('visit-tasks')
@ApiBearerAuth()
@Controller('api/v1/visit-tasks')
export class RoutesController {
  constructor(private readonly routes: RoutesService) {}

  @Get('route')
  @RequireAction('task:read')
  async route(@CurrentUser() user: AuthenticatedUser, @Query() query: RouteQuery): Promise<RecommendedRoute> {
    return this.routes.recommend(user, query);
  }
}
