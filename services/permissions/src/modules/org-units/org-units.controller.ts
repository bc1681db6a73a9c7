import { Body, Controller, Get, Headers, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { type FastifyReply } from 'fastify';
import { entityTag, ifMatchVersion } from '@fieldforce/platform';
import { pageRequest } from '../../common/pagination';
import { Authenticated, CurrentCaller, RequireAction } from '../access/access.decorators';
import { type Caller } from '../access/caller';
import { CreateOrgUnitDto, OrgUnitQueryDto, UpdateOrgUnitDto } from './dto/org-unit.dto';
import { OrgUnitPageResponse, OrgUnitResponse } from './dto/org-unit.response';
import { OrgUnitsService } from './org-units.service';

@ApiTags('org-units')
@Authenticated()
@Controller('api/v1/org-units')
export class OrgUnitsController {
  constructor(private readonly orgUnits: OrgUnitsService) {}

  @Get()
  @ApiOkResponse({ type: OrgUnitPageResponse })
  list(@CurrentCaller() caller: Caller, @Query() query: OrgUnitQueryDto): Promise<OrgUnitPageResponse> {
    return this.orgUnits.list(caller.tenantId, { parentId: query.parentId, under: query.under }, pageRequest(query));
  }

  @Get(':id')
  @ApiOkResponse({ type: OrgUnitResponse })
  async get(
    @CurrentCaller() caller: Caller,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<OrgUnitResponse> {
    const orgUnit = await this.orgUnits.get(caller.tenantId, id);
    void reply.header('etag', entityTag(orgUnit.version));
    return orgUnit;
  }

  @Post()
  @HttpCode(201)
  @RequireAction('org-unit:manage')
  @ApiCreatedResponse({ type: OrgUnitResponse, description: 'Created, or the same unit again for a replayed create' })
  async create(
    @CurrentCaller() caller: Caller,
    @Body() body: CreateOrgUnitDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<OrgUnitResponse> {
    const { orgUnit } = await this.orgUnits.create(caller, body);
    void reply.header('etag', entityTag(orgUnit.version)).header('location', `/api/v1/org-units/${orgUnit.id}`);
    return orgUnit;
  }

  @Patch(':id')
  @RequireAction('org-unit:manage')
  @ApiOkResponse({ type: OrgUnitResponse, description: 'Renamed and/or moved (with its subtree and users)' })
  async update(
    @CurrentCaller() caller: Caller,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: UpdateOrgUnitDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<OrgUnitResponse> {
    const orgUnit = await this.orgUnits.update(caller, id, body, ifMatchVersion(ifMatch, { wildcardMeansAny: true }));
    void reply.header('etag', entityTag(orgUnit.version));
    return orgUnit;
  }
}
