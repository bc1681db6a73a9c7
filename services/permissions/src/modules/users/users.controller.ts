import { Body, Controller, Get, Headers, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { type FastifyReply } from 'fastify';
import { entityTag, ifMatchVersion } from '@fieldforce/platform';
import { pageRequest } from '../../common/pagination';
import { Authenticated, CurrentCaller, RequireAction } from '../access/access.decorators';
import { type Caller } from '../access/caller';
import { CreateUserDto, UpdateUserDto, UserQueryDto } from './dto/user.dto';
import { RevokedSessionsResponse, UserPageResponse, UserResponse } from './dto/user.response';
import { UsersService } from './users.service';

@ApiTags('users')
@Authenticated()
@Controller('api/v1/users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get()
  @RequireAction('user:read', 'user:manage')
  @ApiOkResponse({ type: UserPageResponse, description: "The users within the caller's data scope" })
  list(@CurrentCaller() caller: Caller, @Query() query: UserQueryDto): Promise<UserPageResponse> {
    const { orgUnitId, under, role, active } = query;
    return this.users.list(caller, { orgUnitId, under, role, active }, pageRequest(query));
  }

  @Get(':id')
  @RequireAction('user:read', 'user:manage')
  @ApiOkResponse({ type: UserResponse })
  async get(
    @CurrentCaller() caller: Caller,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<UserResponse> {
    const user = await this.users.get(caller, id);
    void reply.header('etag', entityTag(user.version));
    return user;
  }

  @Post()
  @HttpCode(201)
  @RequireAction('user:manage')
  @ApiCreatedResponse({ type: UserResponse, description: 'Created, or the same user again for a replayed create' })
  async create(
    @CurrentCaller() caller: Caller,
    @Body() body: CreateUserDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<UserResponse> {
    const { user } = await this.users.create(caller, body);
    void reply.header('etag', entityTag(user.version)).header('location', `/api/v1/users/${user.id}`);
    return user;
  }

  @Patch(':id')
  @RequireAction('user:manage')
  @ApiOkResponse({ type: UserResponse })
  async update(
    @CurrentCaller() caller: Caller,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: UpdateUserDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<UserResponse> {
    const user = await this.users.update(caller, id, body, ifMatchVersion(ifMatch, { wildcardMeansAny: true }));
    void reply.header('etag', entityTag(user.version));
    return user;
  }

  @Post(':id/revoke-sessions')
  @HttpCode(200)
  @RequireAction('user:manage')
  @ApiOkResponse({ type: RevokedSessionsResponse, description: "Every session of the user ended; their refresh tokens stop working" })
  async revokeSessions(@CurrentCaller() caller: Caller, @Param('id', new ParseUUIDPipe()) id: string): Promise<RevokedSessionsResponse> {
    return { revokedSessions: await this.users.revokeSessions(caller, id) };
  }
}
