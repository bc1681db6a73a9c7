import { Body, Controller, Delete, Get, Headers, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiHeader, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { type FastifyReply } from 'fastify';
import { type AuthenticatedUser, CurrentUser, RequireAction } from '@fieldforce/auth';
import { IdempotencyKey, type IdempotencyKeyHeader, ifMatchVersion } from '@fieldforce/platform';
import { CreateTerritoryDto, ListTerritoriesQuery, TerritoryPage, TerritoryResponse, UpdateTerritoryDto } from './dto/territory.dto';
import { TerritoriesService } from './territories.service';

const IDEMPOTENCY_KEY_DOC = {
  name: 'Idempotency-Key',
  required: false,
  description: 'Replaying the request with the same key answers the first response; the same key with another body is a 422',
};
const IF_MATCH_DOC = { name: 'If-Match', required: false, description: 'The ETag of the version this write replaces' };

@ApiTags('territories')
@ApiBearerAuth()
@Controller('api/v1/territories')
export class TerritoriesController {
  constructor(private readonly territories: TerritoriesService) {}

  @Post()
  @HttpCode(201)
  @RequireAction('customer:assign')
  @ApiHeader(IDEMPOTENCY_KEY_DOC)
  @ApiCreatedResponse({ type: TerritoryResponse })
  async create(
    @CurrentUser() user: AuthenticatedUser,
    @Body() body: CreateTerritoryDto,
    @IdempotencyKey() idempotency: IdempotencyKeyHeader | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<TerritoryResponse> {
    const territory = await this.territories.create(user, body, idempotency);
    void reply.header('etag', `"${territory.version}"`).header('location', `/api/v1/territories/${territory.id}`);
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
    void reply.header('etag', `"${territory.version}"`);
    return territory;
  }

  @Patch(':id')
  @RequireAction('customer:assign')
  @ApiHeader({ ...IF_MATCH_DOC, description: `${IF_MATCH_DOC.description}; without it the body must carry \`version\` (else 428)` })
  @ApiHeader(IDEMPOTENCY_KEY_DOC)
  @ApiOkResponse({ type: TerritoryResponse })
  async update(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: UpdateTerritoryDto,
    @Headers('if-match') ifMatch: string | undefined,
    @IdempotencyKey() idempotency: IdempotencyKeyHeader | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<TerritoryResponse> {
    const headerVersion = ifMatchVersion(ifMatch);
    const expected =
      headerVersion !== undefined
        ? { version: headerVersion, precondition: true }
        : body.version === undefined
          ? undefined
          : { version: body.version, precondition: false };
    const territory = await this.territories.update(user, id, body, expected, idempotency);
    void reply.header('etag', `"${territory.version}"`);
    return territory;
  }

  @Delete(':id')
  @HttpCode(204)
  @RequireAction('customer:assign')
  @ApiHeader(IF_MATCH_DOC)
  @ApiHeader(IDEMPOTENCY_KEY_DOC)
  @ApiNoContentResponse({ description: 'Deleted (soft)' })
  async delete(
    @CurrentUser() user: AuthenticatedUser,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @IdempotencyKey() idempotency: IdempotencyKeyHeader | undefined,
  ): Promise<void> {
    const version = ifMatchVersion(ifMatch);
    await this.territories.delete(user, id, version === undefined ? undefined : { version, precondition: true }, idempotency);
  }
}
