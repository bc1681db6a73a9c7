import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager, QueryFailedError } from 'typeorm';
import { type QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { type CustomerState, uuidv7 } from '@fieldforce/contracts';
import { OutboxPublisher } from '@fieldforce/messaging';
import { toCustomerState } from './customer.state';
import { CustomerException } from './customers.exception';
import { type CreateCustomerDto } from './dto/create-customer.dto';
import { Customer } from './entities/customer.entity';

const UNIQUE_VIOLATION = '23505';
const PRIMARY_KEY = 'customers_pkey';
const EXTERNAL_ID_KEY = 'customers_tenant_external_id_key';

function violatedConstraint(error: unknown): string | undefined {
  if (!(error instanceof QueryFailedError)) return undefined;
  const driverError = error.driverError as { code?: string; constraint?: string };
  return driverError.code === UNIQUE_VIOLATION ? driverError.constraint : undefined;
}

/** The fields a create sets, in the shape of the stored customer. */
function fieldsOf(tenantId: string, input: CreateCustomerDto): Partial<Customer> {
  return {
    tenantId,
    name: input.name,
    grade: input.grade,
    lat: input.location?.lat ?? null,
    lng: input.location?.lng ?? null,
    address: input.address ?? null,
    contacts: input.contacts ?? [],
    tags: input.tags ?? [],
    externalId: input.externalId ?? null,
    ownerId: input.ownerId ?? null,
    creditLimit: input.creditLimit ?? null,
    customFields: input.customFields ?? {},
  };
}

/** The customer fields a request set: what a create event lists as changed. */
function providedFields(input: CreateCustomerDto): string[] {
  return Object.entries(input)
    .filter(([key, value]) => key !== 'id' && value !== undefined)
    .map(([key]) => key);
}

// Compared as JSON so that nested contacts and custom fields count too.
function sameContent(stored: Customer, fields: Partial<Customer>): boolean {
  return (Object.keys(fields) as (keyof Customer)[]).every(
    (key) => JSON.stringify(stored[key]) === JSON.stringify(fields[key]),
  );
}

@Injectable()
export class CustomersService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly outbox: OutboxPublisher,
  ) {}

  /**
   * Creates a customer and publishes `customer.created` in the same transaction. Replaying a
   * create (same client id, same content) answers the stored customer and publishes nothing.
   */
  async create(tenantId: string, input: CreateCustomerDto): Promise<{ customer: CustomerState; created: boolean }> {
    const id = input.id ?? uuidv7();
    const fields = fieldsOf(tenantId, input);
    const replay = await this.replayOf(id, fields);
    if (replay) return { customer: replay, created: false };
    try {
      const customer = await this.dataSource.transaction((manager) => this.insert(manager, id, fields, providedFields(input)));
      return { customer, created: true };
    } catch (error) {
      const constraint = violatedConstraint(error);
      // A concurrent create with the same id won the race: answer like any replay.
      if (constraint === PRIMARY_KEY) {
        const concurrent = await this.replayOf(id, fields);
        if (concurrent) return { customer: concurrent, created: false };
      }
      if (constraint === EXTERNAL_ID_KEY && input.externalId) throw CustomerException.externalIdTaken(input.externalId);
      throw error;
    }
  }

  /** The customer, if it exists in the tenant and is not deleted. */
  async get(tenantId: string, id: string): Promise<CustomerState> {
    const customer = await this.dataSource.getRepository(Customer).findOneBy({ id, tenantId });
    if (!customer) throw CustomerException.notFound(id);
    return toCustomerState(customer);
  }

  private async insert(
    manager: EntityManager,
    id: string,
    fields: Partial<Customer>,
    changedFields: string[],
  ): Promise<CustomerState> {
    const repository = manager.getRepository(Customer);
    // TypeORM's deep-partial type cannot express an open JSON object (customFields); the entity type holds.
    await repository.insert({ ...fields, id } as QueryDeepPartialEntity<Customer>);
    const customer = toCustomerState(await repository.findOneByOrFail({ id }));
    await this.outbox.publish(manager, 'fieldforce.customers.customer.created.v1', {
      subject: customer.id,
      tenantId: customer.tenantId,
      data: { customer, changedFields },
    });
    return customer;
  }

  /** The stored customer when `id` exists with the same content; a conflict when it exists otherwise. */
  private async replayOf(id: string, fields: Partial<Customer>): Promise<CustomerState | undefined> {
    const stored = await this.dataSource.getRepository(Customer).findOne({ where: { id }, withDeleted: true });
    if (!stored) return undefined;
    if (stored.tenantId !== fields.tenantId || stored.deletedAt !== null || !sameContent(stored, fields)) {
      throw CustomerException.alreadyExists(id);
    }
    return toCustomerState(stored);
  }
}
