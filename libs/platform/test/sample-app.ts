import { Body, Controller, Get, Module, Param, Post, Query } from '@nestjs/common';
import { Client, Pool } from 'pg';
import { Type } from 'class-transformer';
import { IsEmail, IsInt, IsOptional, IsString, Max, Min, MinLength, ValidateNested } from 'class-validator';
import {
  BaseServiceEnv,
  CommonException,
  DomainException,
  type ProblemMapping,
  type ServiceConfig,
  loadConfig,
  mapDomainErrors,
  NestedObject,
  toServiceConfig,
} from '../src';

export enum SampleErrorCode {
  CustomerBlocked = 'SAMPLE_CUSTOMER_BLOCKED',
  VisitLimitReached = 'SAMPLE_VISIT_LIMIT_REACHED',
}

export class SampleException extends DomainException<SampleErrorCode> {}

/** A service's mapping, written as every service writes it: an exhaustive switch. */
function sampleProblem(code: SampleErrorCode): ProblemMapping {
  switch (code) {
    case SampleErrorCode.CustomerBlocked:
      return { status: 403, title: 'Customer blocked' };
    case SampleErrorCode.VisitLimitReached:
      return { status: 422, title: 'Visit limit reached' };
    default: {
      const unmapped: never = code;
      throw new TypeError(`unmapped ${String(unmapped)}`);
    }
  }
}

export const sampleProblemMappings = [mapDomainErrors(SampleException, sampleProblem)];

class ContactDto {
  @IsString()
  name!: string;

  @IsEmail()
  email!: string;
}

export class CreateSampleCustomerDto {
  @IsString()
  @MinLength(2)
  name!: string;

  @IsInt()
  @Min(1)
  @Max(31)
  visitsPerMonth!: number;

  @ValidateNested({ each: true })
  @Type(() => ContactDto)
  contacts!: ContactDto[];

  @IsOptional()
  @NestedObject(() => ContactDto)
  primaryContact?: ContactDto;
}

@Controller('customers')
class SampleCustomerController {
  @Post()
  create(@Body() body: CreateSampleCustomerDto): { name: string; isDto: boolean } {
    return { name: body.name, isDto: body instanceof CreateSampleCustomerDto };
  }

  @Get('blocked')
  blocked(): never {
    throw new SampleException(SampleErrorCode.CustomerBlocked, 'customer c-9 is blocked', {
      details: { customerId: 'c-9' },
    });
  }

  @Get('crash')
  crash(): never {
    throw new Error('relation "customers.secret_table" does not exist: SELECT * FROM customers.secret_table');
  }

  /** Queries a database nothing listens for (port 1): the connection is refused. */
  @Get('database-refused')
  async databaseRefused(): Promise<never> {
    const client = new Client({ host: '127.0.0.1', port: 1, user: 'postgres', database: 'postgres' });
    await client.connect();
    throw new Error('unreachable: port 1 accepted a connection');
  }

  /** A long query on `url` (the test terminates its backend, as a database restart does). */
  @Get('database-cut')
  async databaseCut(@Query('url') url: string): Promise<never> {
    const client = new Client({ connectionString: url, application_name: 'problem-details-cut' });
    client.on('error', () => undefined);
    await client.connect();
    try {
      await client.query('SELECT pg_sleep(60)');
    } finally {
      await client.end().catch(() => undefined);
    }
    throw new Error('unreachable: the query was not cut');
  }

  /**
   * A transaction on `url` left idle, as a write waiting on another service's answer is, until
   * the test terminates its backend; then its next query.
   */
  @Get('database-cut-idle')
  async databaseCutIdle(@Query('url') url: string): Promise<never> {
    const client = new Client({ connectionString: url, application_name: 'problem-details-idle-cut' });
    const cut = new Promise<void>((resolve) => client.on('error', () => resolve()));
    await client.connect();
    try {
      await client.query('BEGIN');
      await Promise.race([cut, new Promise((resolve) => setTimeout(resolve, 60_000))]);
      await client.query('SELECT 1');
    } finally {
      await client.end().catch(() => undefined);
    }
    throw new Error('unreachable: the connection was not cut');
  }

  /** A pool of one connection on `url`, held while a second one is asked for: pg-pool's connect timeout, as under overload. */
  @Get('database-busy')
  async databaseBusy(@Query('url') url: string): Promise<never> {
    const pool = new Pool({ connectionString: url, max: 1, connectionTimeoutMillis: 200 });
    const held = await pool.connect();
    try {
      await pool.query('SELECT 1');
    } finally {
      held.release();
      await pool.end();
    }
    throw new Error('unreachable: a second connection came free');
  }

  @Get(':id')
  findOne(@Param('id') id: string): never {
    throw CommonException.notFound('customer', id);
  }
}

@Module({ controllers: [SampleCustomerController] })
export class SampleAppModule {}

export class SampleEnv extends BaseServiceEnv {
  override PORT = 3999;
  override DATABASE_URL = 'postgres://postgres:postgres@127.0.0.1:5432/postgres';
}

/** The sample service's config, from the given variables over the defaults. */
export function sampleConfig(source: Record<string, string> = {}): ServiceConfig {
  return loadConfig(SampleEnv, (env) => toServiceConfig('sample', env), { HTTP_BODY_LIMIT_BYTES: '2048', ...source });
}
