import { Body, Controller, Get, Headers, HttpCode, Param, ParseUUIDPipe, Post, Query, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { type FastifyReply } from 'fastify';
import { entityTag } from '@fieldforce/platform';
import { type AuthenticatedUser, CurrentUser, RequireAction } from '@fieldforce/auth';
import { type CheckInState } from '@fieldforce/contracts';
import { CheckInsService, type Page } from './check-ins.service';
import { CheckOutDto, CreateCheckInDto } from './dto/check-in-point.dto';
import { CheckInPageResponse, CheckInResponse } from './dto/check-in.response';
import { ListCheckInsQuery } from './dto/list-check-ins.query';
import { ReviewCheckInDto } from './dto/review-check-in.dto';

const PHOTO_REFUSED = 'A photo upload that is unknown, not your own or not complete (ATTACHED_UPLOAD_*), naming the field';
const UPLOADS_UNAVAILABLE = 'The photo uploads cannot be verified now (UPLOADS_UNAVAILABLE, Retry-After); nothing was recorded: send it again';

@ApiTags('check-ins')
@ApiBearerAuth()
@Controller('api/v1/check-ins')
export class CheckInsController {
  constructor(private readonly checkIns: CheckInsService) {}

  @Post()
  @HttpCode(201)
  @RequireAction('checkin:create')
  @ApiCreatedResponse({ type: CheckInResponse, description: 'Recorded (verified or flagged), or the same check-in again for a retry' })
  @ApiUnprocessableEntityResponse({ description: PHOTO_REFUSED })
  @ApiServiceUnavailableResponse({ description: UPLOADS_UNAVAILABLE })
  async record(
    @CurrentUser() user: AuthenticatedUser,
    @Body() body: CreateCheckInDto,
    @Headers('authorization') authorization: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CheckInState> {
    const { checkIn } = await this.checkIns.record(user, body, authorization);
    void reply.header('etag', entityTag(checkIn.version)).header('location', `/api/v1/check-ins/${checkIn.id}`);
    return checkIn;
  }

  @Get()
  @RequireAction('checkin:read')
  @ApiOkResponse({ type: CheckInPageResponse })
  async list(@CurrentUser() user: AuthenticatedUser, @Query() query: ListCheckInsQuery): Promise<Page<CheckInState>> {
    return this.checkIns.list(user, query);
  }

  @Get(':id')
  @RequireAction('checkin:read')
  @ApiOkResponse({ type: CheckInResponse })
  async get(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CheckInState> {
    const checkIn = await this.checkIns.get(user, id);
    void reply.header('etag', entityTag(checkIn.version));
    return checkIn;
  }

  @Post(':id/check-out')
  @HttpCode(200)
  @RequireAction('checkin:create')
  @ApiOkResponse({ type: CheckInResponse })
  @ApiUnprocessableEntityResponse({ description: PHOTO_REFUSED })
  @ApiServiceUnavailableResponse({ description: UPLOADS_UNAVAILABLE })
  async checkOut(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: CheckOutDto,
    @Headers('authorization') authorization: string,
  ): Promise<CheckInState> {
    return this.checkIns.checkOut(user, id, body, authorization);
  }

  @Post(':id/review')
  @HttpCode(200)
  @RequireAction('checkin:review')
  @ApiOkResponse({ type: CheckInResponse })
  async review(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: ReviewCheckInDto,
  ): Promise<CheckInState> {
    return this.checkIns.review(user, id, body);
  }
}
