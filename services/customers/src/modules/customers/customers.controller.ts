import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { type FastifyReply } from 'fastify';
import { TENANT_HEADER, TenantId } from '../../common/tenant-id.decorator';
import { CustomersService } from './customers.service';
import { CreateCustomerDto } from './dto/create-customer.dto';
import { CustomerResponse } from './dto/customer.response';

@ApiTags('customers')
@ApiHeader({ name: TENANT_HEADER, required: true })
@Controller('api/v1/customers')
export class CustomersController {
  constructor(private readonly customers: CustomersService) {}

  @Post()
  @HttpCode(201)
  @ApiCreatedResponse({ type: CustomerResponse, description: 'Created, or the same customer again for a replayed create' })
  async create(
    @TenantId() tenantId: string,
    @Body() body: CreateCustomerDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CustomerResponse> {
    const { customer } = await this.customers.create(tenantId, body);
    void reply.header('etag', `"${customer.version}"`).header('location', `/api/v1/customers/${customer.id}`);
    return customer;
  }

  @Get(':id')
  @ApiOkResponse({ type: CustomerResponse })
  async get(
    @TenantId() tenantId: string,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CustomerResponse> {
    const customer = await this.customers.get(tenantId, id);
    void reply.header('etag', `"${customer.version}"`);
    return customer;
  }
}
