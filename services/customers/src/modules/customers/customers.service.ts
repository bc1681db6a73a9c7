import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager, QueryFailedError } from 'typeorm';
import { type QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { type AccessPolicy, applyDataScope, type AuthenticatedUser } from '@fieldforce/auth';
import { type CustomerState, uuidv7 } from '@fieldforce/contracts';
import { OutboxPublisher } from '@fieldforce/messaging';
import { toCustomerState } from './customer.state';
import { CustomerException } from './customers.exception';
import { type CreateCustomerDto, DEFAULT_GRADE } from './dto/create-customer.dto';
import { Customer } from './entities/customer.entity';

const UNIQUE_VIOLATION = '23505';
const PRIMARY_KEY = 'customers_pkey';
const EXTERNAL_ID_KEY = 'customers_tenant_external_id_key';

function violatedConstraint(error: unknown): string | undefined {
  if (!(error instanceof QueryFailedError)) return undefined;
  const driverError = error.driverError as { code?: string; constraint?: string };
  return driverError.code === UNIQUE_VIOLATION ? driverError.constraint : undefined;
}

/** The field policy's resource name of a customer. */
const CUSTOMER = 'customer';

/**
 * What a create sets when the request leaves a field out: the creator owns the customer, in the
 * creator's org unit (until the user read model can give the owner's), at the default grade.
 * A field the creator may not write may still take exactly its default.
 */
function createDefaults(user: AuthenticatedUser): Pick<Customer, 'ownerId' | 'grade' | 'creditLimit'> {
  return { ownerId: user.userId, grade: DEFAULT_GRADE, creditLimit: null };
}

/** The fields a create sets, in the shape of the stored customer. */
function fieldsOf(user: AuthenticatedUser, input: CreateCustomerDto): Partial<Customer> {
  const defaults = createDefaults(user);
  return {
    tenantId: user.tenantId,
    name: input.name,
    grade: input.grade ?? defaults.grade,
    lat: input.location?.lat ?? null,
    lng: input.location?.lng ?? null,
    address: input.address ?? null,
    contacts: input.contacts ?? [],
    tags: input.tags ?? [],
    externalId: input.externalId ?? null,
    ownerId: input.ownerId ?? defaults.ownerId,
    orgPath: user.orgPath,
    creditLimit: input.creditLimit ?? defaults.creditLimit,
    customFields: input.customFields ?? {},
  };
}

/** The customer fields a create set, given or defaulted: what a create event lists as changed. */
function providedFields(input: CreateCustomerDto): string[] {
  const given = Object.entries(input)
    .filter(([key, value]) => key !== 'id' && value !== undefined)
    .map(([key]) => key);
  return [...new Set([...given, 'grade', 'ownerId', 'orgPath'])];
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
   * Creates a customer in the user's tenant and publishes `customer.created` in the same
   * transaction; answers it without the fields the user may not read. Replaying a create (same
   * client id, same content) answers the stored customer and publishes nothing. Setting a field
   * the user may not write (other than to its default) is refused, naming the field.
   */
  async create(
    user: AuthenticatedUser,
    policy: AccessPolicy,
    input: CreateCustomerDto,
  ): Promise<{ customer: CustomerState; created: boolean }> {
    policy.assertWritable(CUSTOMER, input, { defaults: createDefaults(user) });
    const id = input.id ?? uuidv7();
    const fields = fieldsOf(user, input);
    const replay = await this.replayOf(id, fields);
    if (replay) return { customer: policy.maskReadable(CUSTOMER, replay), created: false };
    try {
      const customer = await this.dataSource.transaction((manager) => this.insert(manager, id, fields, providedFields(input)));
      return { customer: policy.maskReadable(CUSTOMER, customer), created: true };
    } catch (error) {
      const constraint = violatedConstraint(error);
      // A concurrent create with the same id won the race: answer like any replay.
      if (constraint === PRIMARY_KEY) {
        const concurrent = await this.replayOf(id, fields);
        if (concurrent) return { customer: policy.maskReadable(CUSTOMER, concurrent), created: false };
      }
      if (constraint === EXTERNAL_ID_KEY && input.externalId) throw CustomerException.externalIdTaken(input.externalId);
      throw error;
    }
  }

  /**
   * The customer, if it exists, is not deleted and lies in the user's data scope (else not found,
   * so records out of scope are not revealed), without the fields the user may not read.
   */
  async get(user: AuthenticatedUser, policy: AccessPolicy, id: string): Promise<CustomerState> {
    const query = this.dataSource.getRepository(Customer).createQueryBuilder('customer').where('customer.id = :id', { id });
    const customer = await applyDataScope(query, user).getOne();
    if (!customer) throw CustomerException.notFound(id);
    return policy.maskReadable(CUSTOMER, toCustomerState(customer));
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
