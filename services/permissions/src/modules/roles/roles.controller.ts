import { Body, Controller, Get, Headers, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { type FastifyReply } from 'fastify';
import { entityTag, ifMatchVersion } from '@fieldforce/platform';
import { PageQuery } from '@fieldforce/platform';
import { pageRequest } from '../../common/pagination';
import { Authenticated, CurrentCaller, RequireAction } from '../access/access.decorators';
import { type Caller } from '../access/caller';
import { CreateRoleDto, UpdateRoleDto } from './dto/role.dto';
import { RolePageResponse, RoleResponse } from './dto/role.response';
import { RolesService } from './roles.service';

@ApiTags('roles')
@Authenticated()
@Controller('api/v1/roles')
export class RolesController {
  constructor(private readonly roles: RolesService) {}

  @Get()
  @ApiOkResponse({ type: RolePageResponse })
  list(@CurrentCaller() caller: Caller, @Query() query: PageQuery): Promise<RolePageResponse> {
    return this.roles.list(caller.tenantId, pageRequest(query));
  }

  @Get(':id')
  @ApiOkResponse({ type: RoleResponse })
  async get(
    @CurrentCaller() caller: Caller,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RoleResponse> {
    const role = await this.roles.get(caller.tenantId, id);
    void reply.header('etag', entityTag(role.version));
    return role;
  }

  @Post()
  @HttpCode(201)
  @RequireAction('role:manage')
  @ApiCreatedResponse({ type: RoleResponse, description: 'Created, or the same role again for a replayed create' })
  async create(
    @CurrentCaller() caller: Caller,
    @Body() body: CreateRoleDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RoleResponse> {
    const { role } = await this.roles.create(caller, body);
    void reply.header('etag', entityTag(role.version)).header('location', `/api/v1/roles/${role.id}`);
    return role;
  }

  @Patch(':id')
  @RequireAction('role:manage')
  @ApiOkResponse({ type: RoleResponse })
  async update(
    @CurrentCaller() caller: Caller,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: UpdateRoleDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RoleResponse> {
    const role = await this.roles.update(caller, id, body, ifMatchVersion(ifMatch, { wildcardMeansAny: true }));
    void reply.header('etag', entityTag(role.version));
    return role;
  }
}
