import { Body, Controller, Headers, HttpCode, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { type FastifyRequest } from 'fastify';
import { type AuthenticatedUser, CurrentUser } from '@fieldforce/auth';
import { PushDto } from './dto/push.dto';
import { PushResponse } from './dto/push.response';
import { PushService } from './push.service';

@ApiTags('sync')
@ApiBearerAuth()
@Controller('api/v1/sync')
export class PushController {
  constructor(private readonly pushes: PushService) {}

  @Post('push')
  @HttpCode(200)
  @ApiOkResponse({
    type: PushResponse,
    description: 'One result per mutation in order; 409 (nothing applied) when the push starts past the next expected mutation id',
  })
  async push(
    @CurrentUser() user: AuthenticatedUser,
    // Present: the guard verified the bearer token it holds.
    @Headers('authorization') authorization: string,
    @Req() request: FastifyRequest,
    @Body() body: PushDto,
  ): Promise<PushResponse> {
    return this.pushes.push({ user, authorization, requestId: request.id }, body);
  }
}
