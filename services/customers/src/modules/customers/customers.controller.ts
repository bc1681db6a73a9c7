import { Body, Controller, Delete, Get, Headers, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiHeader,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import { type FastifyReply } from 'fastify';
import { AccessPolicy, type AuthenticatedUser, CurrentPolicy, CurrentUser, RequireAction } from '@fieldforce/auth';
import { IdempotencyKey, type IdempotencyKeyHeader, entityTag } from '@fieldforce/platform';
import { expectedVersion, IDEMPOTENCY_KEY_HEADER_DOC, IF_MATCH_DELETE_DOC, IF_MATCH_UPDATE_DOC } from '../../http/write-headers';
import { CustomersService } from './customers.service';
import { CreateCustomerDto } from './dto/create-customer.dto';
import { CustomerImportService } from './customer-import.service';
import { CustomerPage, CustomerResponse } from './dto/customer.response';
import { ImportCustomersDto, ImportResultResponse } from './dto/import-customers.dto';
import { ListCustomersQuery } from './dto/list-customers.query';
import { UpdateCustomerDto } from './dto/update-customer.dto';

@ApiTags('customers')
@ApiBearerAuth()
@Controller('api/v1/customers')
export class CustomersController {
  constructor(
    private readonly customers: CustomersService,
    private readonly imports: CustomerImportService,
  ) {}

  @Post()
  @HttpCode(201)
  @RequireAction('customer:create')
  @ApiHeader(IDEMPOTENCY_KEY_HEADER_DOC)
  @ApiCreatedResponse({ type: CustomerResponse, description: 'Created, or the same customer again for a replayed create' })
  async create(
    @CurrentUser() user: AuthenticatedUser,
    @CurrentPolicy() policy: AccessPolicy,
    @Body() body: CreateCustomerDto,
    @IdempotencyKey() idempotency: IdempotencyKeyHeader | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CustomerResponse> {
    const { customer } = await this.customers.create(user, policy, body, idempotency);
    void reply.header('etag', entityTag(customer.version)).header('location', `/api/v1/customers/${customer.id}`);
    return customer;
  }

  @Post('import')
  @HttpCode(200)
  @RequireAction('customer:import')
  @ApiHeader(IDEMPOTENCY_KEY_HEADER_DOC)
  @ApiOkResponse({ type: ImportResultResponse, description: 'One result per row, in request order; bad rows do not stop the others' })
  async import(
    @CurrentUser() user: AuthenticatedUser,
    @CurrentPolicy() policy: AccessPolicy,
    @Body() body: ImportCustomersDto,
    @IdempotencyKey() idempotency: IdempotencyKeyHeader | undefined,
  ): Promise<ImportResultResponse> {
    return this.imports.import(user, policy, body.rows, idempotency);
  }

  @Get()
  @RequireAction('customer:read')
  @ApiOkResponse({ type: CustomerPage })
  async list(
    @CurrentUser() user: AuthenticatedUser,
    @CurrentPolicy() policy: AccessPolicy,
    @Query() query: ListCustomersQuery,
  ): Promise<CustomerPage> {
    return this.customers.list(user, policy, query);
  }

  @Get(':id')
  @RequireAction('customer:read')
  @ApiOkResponse({ type: CustomerResponse })
  async get(
    @CurrentUser() user: AuthenticatedUser,
    @CurrentPolicy() policy: AccessPolicy,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CustomerResponse> {
    const customer = await this.customers.get(user, policy, id);
    void reply.header('etag', entityTag(customer.version));
    return customer;
  }

  @Patch(':id')
  @RequireAction('customer:update')
  @ApiHeader(IF_MATCH_UPDATE_DOC)
  @ApiHeader(IDEMPOTENCY_KEY_HEADER_DOC)
  @ApiOkResponse({ type: CustomerResponse })
  async update(
    @CurrentUser() user: AuthenticatedUser,
    @CurrentPolicy() policy: AccessPolicy,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: UpdateCustomerDto,
    @Headers('if-match') ifMatch: string | undefined,
    @IdempotencyKey() idempotency: IdempotencyKeyHeader | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CustomerResponse> {
    const { customer } = await this.customers.update(
      user,
      policy,
      id,
      body,
      { kind: 'version', expected: expectedVersion(ifMatch, body.version) },
      idempotency,
    );
    void reply.header('etag', entityTag(customer.version));
    return customer;
  }

  @Delete(':id')
  @HttpCode(204)
  @RequireAction('customer:delete')
  @ApiHeader(IF_MATCH_DELETE_DOC)
  @ApiHeader(IDEMPOTENCY_KEY_HEADER_DOC)
  @ApiNoContentResponse({ description: 'Deleted (soft)' })
  async delete(
    @CurrentUser() user: AuthenticatedUser,
    @CurrentPolicy() policy: AccessPolicy,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @IdempotencyKey() idempotency: IdempotencyKeyHeader | undefined,
  ): Promise<void> {
    await this.customers.delete(user, policy, id, { kind: 'version', expected: expectedVersion(ifMatch, undefined) }, idempotency);
  }
}
