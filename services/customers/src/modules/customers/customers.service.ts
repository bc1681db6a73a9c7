import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager, QueryFailedError } from 'typeorm';
import { type QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { type AccessPolicy, applyDataScope, type AuthenticatedUser } from '@fieldforce/auth';
import { type CustomerState, uuidv7 } from '@fieldforce/contracts';
import { OutboxPublisher } from '@fieldforce/messaging';
import { type AggregateChanges, IdempotentWrites, updateVersioned } from '@fieldforce/persistence';
import { CommonException, type IdempotencyKeyHeader } from '@fieldforce/platform';
import { assertValidLocation, type LatLng } from '../geo/geo';
import { customerSettingsIssues, CustomerSettingsService, type TenantCustomerSettings } from '../settings/customer-settings.service';
import { changeEvent } from './customer-events';
import { changedFieldsOf, columnsOf, type CustomerFields, customerFieldsOf } from './customer-fields';
import { toCustomerState } from './customer.state';
import { CustomerOwners } from './customer-owners';
import {
  createDefaults,
  createdFields,
  CUSTOMER,
  type ExpectedVersion,
  idempotentRequest,
  newCustomerColumns,
  readableValues,
} from './customer-writes';
import { CustomerException } from './customers.exception';
import { type CustomerFilters, CustomersRepository } from './customers.repository';
import { type CustomerListItem, type CustomerPage } from './dto/customer.response';
import { DEFAULT_PAGE_SIZE, type ListCustomersQuery, MAX_PAGE_SIZE } from './dto/list-customers.query';
import { type CreateCustomerDto } from './dto/create-customer.dto';
import { type UpdateCustomerDto } from './dto/update-customer.dto';
import { Customer } from './entities/customer.entity';
import { decodeCursor, encodeCursor, filtersKey } from './list-cursor';

const UNIQUE_VIOLATION = '23505';
const PRIMARY_KEY = 'customers_pkey';
const EXTERNAL_ID_KEY = 'customers_tenant_external_id_key';

function violatedConstraint(error: unknown): string | undefined {
  if (!(error instanceof QueryFailedError)) return undefined;
  const driverError = error.driverError as { code?: string; constraint?: string };
  return driverError.code === UNIQUE_VIOLATION ? driverError.constraint : undefined;
}

// Compared as stored state, so nested contacts and custom fields count too.
function sameContent(stored: Customer, fields: Partial<Customer>): boolean {
  const state = toCustomerState(stored);
  const requested = toCustomerState({ ...stored, ...fields } as Customer);
  return changedFieldsOf(state, customerFieldsOf(requested)).length === 0;
}

/** 422 naming each field that breaks the tenant's settings (grade list, custom field definitions). */
function assertSettingsHold(settings: TenantCustomerSettings, fields: CustomerFields, creating: boolean): void {
  const issues = customerSettingsIssues(settings, fields, creating);
  if (issues.length > 0) throw CustomerException.invalidFields(issues);
}

/** `lat,lng` as a point: 400 unless two numbers, 422 unless a possible place. */
function parseNear(near: string): LatLng {
  const parts = near.split(',');
  if (parts.length !== 2 || parts.some((part) => part.trim() === '')) {
    throw CommonException.validationFailed([{ field: 'near', message: 'must be lat,lng' }]);
  }
  const [lat, lng] = parts.map(Number) as [number, number];
  const center = { lat, lng };
  assertValidLocation(center, 'near');
  return center;
}

/** The list filters of a query, checked: `near` and `radiusM` come together. */
function filtersOf(query: ListCustomersQuery): CustomerFilters {
  if ((query.near === undefined) !== (query.radiusM === undefined)) {
    const missing = query.near === undefined ? 'near' : 'radiusM';
    throw CommonException.validationFailed([{ field: missing, message: 'near and radiusM go together' }]);
  }
  return {
    grades: query.grade,
    ownerIds: query.ownerId,
    tags: query.tag,
    text: query.q,
    updatedSince: query.updatedSince,
    near: query.near === undefined || query.radiusM === undefined ? undefined : { center: parseNear(query.near), radiusM: query.radiusM },
  };
}

@Injectable()
export class CustomersService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxPublisher,
    private readonly writes: IdempotentWrites,
    private readonly repository: CustomersRepository,
    private readonly owners: CustomerOwners,
    private readonly settings: CustomerSettingsService,
  ) {}

  /**
   * Creates a customer in the user's tenant and publishes `customer.created` in the same
   * transaction; answers it without the fields the user may not read. Replaying a create (same
   * client id, same content, or the same Idempotency-Key) answers the stored customer and
   * publishes nothing. Setting a field the user may not write (other than to its default) is
   * refused, naming the field; an impossible location, a grade or custom fields the tenant's settings
   * do not allow, or an owner who is no active user in the user's scope, is a 422. The customer takes its owner's org path.
   */
  async create(
    user: AuthenticatedUser,
    policy: AccessPolicy,
    input: CreateCustomerDto,
    idempotency?: IdempotencyKeyHeader,
  ): Promise<{ customer: CustomerState; created: boolean }> {
    if (input.location) assertValidLocation(input.location);
    const id = input.id ?? uuidv7();
    const given = customerFieldsOf(input);
    try {
      const { result } = await this.writes.run(idempotentRequest(user, idempotency), async (manager) => {
        const settings = await this.settings.forCustomerWrite(manager, user.tenantId);
        policy.assertWritable(CUSTOMER, input, { defaults: createDefaults(user, settings) });
        const orgPath = await this.owners.orgPathOf(user, input.ownerId ?? user.userId, manager);
        assertSettingsHold(settings, given, true);
        const fields = newCustomerColumns(user, settings, given, orgPath);
        const replay = await this.replayOf(manager, id, fields);
        if (replay) return { customer: policy.maskReadable(CUSTOMER, replay), created: false };
        const customer = await this.insert(manager, id, fields, createdFields(given));
        return { customer: policy.maskReadable(CUSTOMER, customer), created: true };
      });
      return result;
    } catch (error) {
      const constraint = violatedConstraint(error);
      // A concurrent create with the same id won the race: answer like any replay.
      if (constraint === PRIMARY_KEY) {
        const orgPath = await this.owners.orgPathOf(user, input.ownerId ?? user.userId);
        const fields = newCustomerColumns(user, await this.settings.get(user.tenantId), given, orgPath);
        const concurrent = await this.replayOf(this.dataSource.manager, id, fields);
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
    const customer = await this.scoped(this.dataSource.manager, user, id).getOne();
    if (!customer) throw CustomerException.notFound(id);
    return policy.maskReadable(CUSTOMER, toCustomerState(customer));
  }

  /**
   * A page of the live customers in the user's data scope that match the query's filters, without
   * the fields the user may not read; by id, or nearest first with `near`. Pages follow each other
   * by an opaque cursor bound to the filters; `limit` is cut to ${MAX_PAGE_SIZE}.
   */
  async list(user: AuthenticatedUser, policy: AccessPolicy, query: ListCustomersQuery): Promise<CustomerPage> {
    const filters = filtersOf(query);
    const key = filtersKey(filters);
    const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor, key);
    const limit = Math.min(query.limit ?? DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
    // One row more than the page tells whether another page follows.
    const rows = await this.repository.list(user, filters, after, limit + 1);
    const page = rows.slice(0, limit);
    const items: CustomerListItem[] = page.map(({ customer, distanceM }) =>
      distanceM === undefined ? toCustomerState(customer) : { ...toCustomerState(customer), distanceM },
    );
    const last = page[page.length - 1];
    const nextCursor =
      rows.length > limit && last ? encodeCursor({ id: last.customer.id, ...(last.distanceM === undefined ? {} : { distanceM: last.distanceM }) }, key) : null;
    return { items: policy.maskReadable(CUSTOMER, items), nextCursor };
  }

  /**
   * Applies a partial update to a customer in the user's scope if it is still at the expected
   * version (412 for a stale If-Match, 409 for a stale body version), and publishes `graded` when
   * the grade changed, else `updated`, with the changed fields. An update that changes nothing
   * answers the customer as it is, without a new version or event. Writing a field the user may
   * not write is a 403 naming it (sending its current, readable value unchanged is not a write).
   */
  async update(
    user: AuthenticatedUser,
    policy: AccessPolicy,
    id: string,
    input: UpdateCustomerDto,
    expected: ExpectedVersion | undefined,
    idempotency?: IdempotencyKeyHeader,
  ): Promise<CustomerState> {
    if (!expected) throw CommonException.preconditionRequired(CUSTOMER, id);
    const requested = customerFieldsOf(input);
    if (requested.location) assertValidLocation(requested.location);
    try {
      const { result } = await this.writes.run(idempotentRequest(user, idempotency), async (manager) => {
        const settings = await this.settings.forCustomerWrite(manager, user.tenantId);
        const current = await this.lockForWrite(manager, user, id, expected);
        policy.assertWritable(CUSTOMER, requested, { defaults: readableValues(policy, current) });
        assertSettingsHold(settings, requested, false);
        const changedFields = changedFieldsOf(current, requested);
        if (changedFields.length === 0) return policy.maskReadable(CUSTOMER, current);
        const changes = Object.fromEntries(changedFields.map((name) => [name, requested[name as keyof CustomerFields]]));
        const customer = await this.applyChanges(manager, current, columnsOf(changes));
        await this.outbox.publishAll(manager, [changeEvent(customer, changedFields, current.ownerId)]);
        return policy.maskReadable(CUSTOMER, customer);
      });
      return result;
    } catch (error) {
      if (violatedConstraint(error) === EXTERNAL_ID_KEY && requested.externalId) {
        throw CustomerException.externalIdTaken(requested.externalId);
      }
      throw error;
    }
  }

  /**
   * Soft-deletes a customer in the user's scope (checking the version when one is given) and
   * publishes `deleted` with its last state; it leaves every read and list, and its externalId is
   * free again.
   */
  async delete(
    user: AuthenticatedUser,
    id: string,
    expected: ExpectedVersion | undefined,
    idempotency?: IdempotencyKeyHeader,
  ): Promise<void> {
    await this.writes.run(idempotentRequest(user, idempotency), async (manager) => {
      await this.lockForWrite(manager, user, id, expected);
      await manager.query(
        `UPDATE customers.customers SET deleted_at = now(), updated_at = now(), version = version + 1 WHERE id = $1`,
        [id],
      );
      const customer = toCustomerState(await manager.getRepository(Customer).findOneOrFail({ where: { id }, withDeleted: true }));
      await this.outbox.publish(manager, 'fieldforce.customers.customer.deleted.v1', {
        subject: customer.id,
        tenantId: customer.tenantId,
        data: { customer, changedFields: ['deletedAt'] },
      });
      return null;
    });
  }

  private scoped(manager: EntityManager, user: AuthenticatedUser, id: string) {
    const query = manager.getRepository(Customer).createQueryBuilder('customer').where('customer.id = :id', { id });
    return applyDataScope(query, user);
  }

  /** The customer in the user's scope, locked for this transaction, if still at the expected version. */
  private async lockForWrite(
    manager: EntityManager,
    user: AuthenticatedUser,
    id: string,
    expected: ExpectedVersion | undefined,
  ): Promise<CustomerState> {
    const customer = await this.scoped(manager, user, id).setLock('pessimistic_write').getOne();
    if (!customer) throw CustomerException.notFound(id);
    if (expected && customer.version !== expected.version) {
      throw expected.precondition
        ? CommonException.preconditionFailed(CUSTOMER, id, `"${expected.version}"`)
        : CommonException.versionConflict(CUSTOMER, id, expected.version);
    }
    return toCustomerState(customer);
  }

  // The row is locked by this transaction, so the versioned update cannot find it stale.
  private async applyChanges(manager: EntityManager, current: CustomerState, columns: Partial<Customer>): Promise<CustomerState> {
    const repository = manager.getRepository(Customer);
    // TypeORM's deep-partial type cannot express an open JSON object (customFields); the entity type holds.
    const outcome = await updateVersioned(repository, current, columns as AggregateChanges<Customer>);
    if (outcome.outcome !== 'updated') throw new Error(`customer ${current.id} changed under its row lock (${outcome.outcome})`);
    return toCustomerState(await repository.findOneByOrFail({ id: current.id }));
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
  private async replayOf(manager: EntityManager, id: string, fields: Partial<Customer>): Promise<CustomerState | undefined> {
    const stored = await manager.getRepository(Customer).findOne({ where: { id }, withDeleted: true });
    if (!stored) return undefined;
    if (stored.tenantId !== fields.tenantId || stored.deletedAt !== null || !sameContent(stored, fields)) {
      throw CustomerException.alreadyExists(id);
    }
    return toCustomerState(stored);
  }
}
