import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { type FastifyReply } from 'fastify';
import { AccessPolicy, type AuthenticatedUser, CurrentPolicy, CurrentUser, RequireAction } from '@fieldforce/auth';
import { CustomersService } from './customers.service';
import { CreateCustomerDto } from './dto/create-customer.dto';
import { CustomerResponse } from './dto/customer.response';

@ApiTags('customers')
@ApiBearerAuth()
@Controller('api/v1/customers')
export class CustomersController {
  constructor(private readonly customers: CustomersService) {}

  @Post()
  @HttpCode(201)
  @RequireAction('customer:create')
  @ApiCreatedResponse({ type: CustomerResponse, description: 'Created, or the same customer again for a replayed create' })
  async create(
    @CurrentUser() user: AuthenticatedUser,
    @CurrentPolicy() policy: AccessPolicy,
    @Body() body: CreateCustomerDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CustomerResponse> {
    const { customer } = await this.customers.create(user, policy, body);
    void reply.header('etag', `"${customer.version}"`).header('location', `/api/v1/customers/${customer.id}`);
    return customer;
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
    void reply.header('etag', `"${customer.version}"`);
    return customer;
  }
}
