import { Body, Controller, Delete, Get, Headers, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiHeader, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { type FastifyReply } from 'fastify';
import { type AuthenticatedUser, CurrentUser, RequireAction } from '@fieldforce/auth';
import { IdempotencyKey, type IdempotencyKeyHeader, entityTag } from '@fieldforce/platform';
import { expectedVersion, IDEMPOTENCY_KEY_HEADER_DOC, IF_MATCH_DELETE_DOC, IF_MATCH_UPDATE_DOC } from '../../http/write-headers';
import { CreateTerritoryDto, ListTerritoriesQuery, TerritoryPage, TerritoryResponse, UpdateTerritoryDto } from './dto/territory.dto';
import { TerritoriesService } from './territories.service';

@ApiTags('territories')
@ApiBearerAuth()
@Controller('api/v1/territories')
export class TerritoriesController {
  constructor(private readonly territories: TerritoriesService) {}

  @Post()
  @HttpCode(201)
  @RequireAction('customer:assign')
  @ApiHeader(IDEMPOTENCY_KEY_HEADER_DOC)
  @ApiCreatedResponse({ type: TerritoryResponse })
  async create(
    @CurrentUser() user: AuthenticatedUser,
    @Body() body: CreateTerritoryDto,
    @IdempotencyKey() idempotency: IdempotencyKeyHeader | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<TerritoryResponse> {
    const territory = await this.territories.create(user, body, idempotency);
    void reply.header('etag', entityTag(territory.version)).header('location', `/api/v1/territories/${territory.id}`);
    return territory;
  }

  @Get()
  @RequireAction('customer:read')
  @ApiOkResponse({ type: TerritoryPage })
  async list(@CurrentUser() user: AuthenticatedUser, @Query() query: ListTerritoriesQuery): Promise<TerritoryPage> {
    return this.territories.list(user, query);
  }

  @Get(':id')
  @RequireAction('customer:read')
  @ApiOkResponse({ type: TerritoryResponse })
  async get(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<TerritoryResponse> {
    const territory = await this.territories.get(user, id);
    void reply.header('etag', entityTag(territory.version));
    return territory;
  }

  @Patch(':id')
  @RequireAction('customer:assign')
  @ApiHeader(IF_MATCH_UPDATE_DOC)
  @ApiHeader(IDEMPOTENCY_KEY_HEADER_DOC)
  @ApiOkResponse({ type: TerritoryResponse })
  async update(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: UpdateTerritoryDto,
    @Headers('if-match') ifMatch: string | undefined,
    @IdempotencyKey() idempotency: IdempotencyKeyHeader | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<TerritoryResponse> {
    const territory = await this.territories.update(user, id, body, expectedVersion(ifMatch, body.version), idempotency);
    void reply.header('etag', entityTag(territory.version));
    return territory;
  }

  @Delete(':id')
  @HttpCode(204)
  @RequireAction('customer:assign')
  @ApiHeader(IF_MATCH_DELETE_DOC)
  @ApiHeader(IDEMPOTENCY_KEY_HEADER_DOC)
  @ApiNoContentResponse({ description: 'Deleted (soft)' })
  async delete(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @IdempotencyKey() idempotency: IdempotencyKeyHeader | undefined,
  ): Promise<void> {
    await this.territories.delete(user, id, expectedVersion(ifMatch, undefined), idempotency);
  }
}
