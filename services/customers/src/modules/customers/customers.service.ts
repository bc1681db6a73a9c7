import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager, QueryFailedError } from 'typeorm';
import { type QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { type AccessPolicy, applyDataScope, type AuthenticatedUser } from '@fieldforce/auth';
import { type CustomerState, uuidv7 } from '@fieldforce/contracts';
import { DELETED_FIELD, type FieldConflict, type FieldStamps, stamp, threeWayMerge } from '@fieldforce/merge';
import { type OutboxEventInput, OutboxPublisher } from '@fieldforce/messaging';
import { IdempotentWrites } from '@fieldforce/persistence';
import { CommonException, DEFAULT_PAGE_SIZE, type IdempotencyKeyHeader } from '@fieldforce/platform';
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
  type CustomerWriteResult,
  idempotentRequest,
  newCustomerColumns,
  readableConflicts,
  readableValues,
  type WriteBase,
} from './customer-writes';
import { CustomerException } from './customers.exception';
import { type CustomerFilters, CustomersRepository } from './customers.repository';
import { type CustomerListItem, type CustomerPage } from './dto/customer.response';
import { type ListCustomersQuery } from './dto/list-customers.query';
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

/** A customer locked for a write: its state and the stamps of its fields. */
interface LockedCustomer {
  state: CustomerState;
  stamps: FieldStamps;
}

function locked(customer: Customer): LockedCustomer {
  return { state: toCustomerState(customer), stamps: customer.fieldStamps };
}

/** A write applied as sent, answered as the user may read it. */
function applied(policy: AccessPolicy, customer: CustomerState, created: boolean): CustomerWriteResult {
  return { customer: policy.maskReadable(CUSTOMER, customer), status: 'applied', conflicts: [], created };
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
   * refused, naming the field; an impossible location, a grade or custom fields the tenant's
   * settings do not allow, or an owner who is no active user in the user's scope, is a 422. The
   * customer takes its owner's org path. With `merge` (a sync push), a create whose id exists is
   * an update from version 0 of that customer (404 when it is outside the user's scope), merged
   * three-way; its owner stays (owners change by assignment).
   */
  async create(
    user: AuthenticatedUser,
    policy: AccessPolicy,
    input: CreateCustomerDto,
    idempotency?: IdempotencyKeyHeader,
    options: { merge?: boolean } = {},
  ): Promise<CustomerWriteResult> {
    if (input.location) assertValidLocation(input.location);
    const id = input.id ?? uuidv7();
    const given = customerFieldsOf(input);
    const attempt = () =>
      this.writes.run(idempotentRequest(user, idempotency), async (manager): Promise<CustomerWriteResult> => {
        const settings = await this.settings.forCustomerWrite(manager, user.tenantId);
        if (options.merge) {
          const existing = await this.lockExisting(manager, user, id);
          if (existing) {
            const { ownerId: _ownerId, ...changes } = given;
            return this.write(manager, user, policy, settings, existing, changes, false, { kind: 'merge', baseVersion: 0, base: {} });
          }
        }
        policy.assertWritable(CUSTOMER, input, { defaults: createDefaults(user, settings) });
        const orgPath = await this.owners.orgPathOf(user, input.ownerId ?? user.userId, manager);
        assertSettingsHold(settings, given, true);
        const fields = newCustomerColumns(user, settings, given, orgPath);
        const replay = options.merge ? undefined : await this.replayOf(manager, id, fields);
        if (replay) return applied(policy, replay, false);
        const customer = await this.insert(manager, user, id, fields, createdFields(given));
        return applied(policy, customer, true);
      });
    try {
      return (await attempt()).result;
    } catch (error) {
      const constraint = violatedConstraint(error);
      if (constraint === EXTERNAL_ID_KEY) throw CustomerException.externalIdTaken(input.externalId);
      if (constraint !== PRIMARY_KEY) throw error;
      // A concurrent create with the same id won the race: a merge now finds it; anything else answers like a replay.
      if (options.merge) return (await attempt()).result;
      const orgPath = await this.owners.orgPathOf(user, input.ownerId ?? user.userId);
      const fields = newCustomerColumns(user, await this.settings.get(user.tenantId), given, orgPath);
      const concurrent = await this.replayOf(this.dataSource.manager, id, fields);
      if (concurrent) return applied(policy, concurrent, false);
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
   * by an opaque cursor bound to the filters.
   */
  async list(user: AuthenticatedUser, policy: AccessPolicy, query: ListCustomersQuery): Promise<CustomerPage> {
    const filters = filtersOf(query);
    const key = filtersKey(filters);
    const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor, key);
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
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
   * Applies a partial update to a customer in the user's scope and publishes `graded` when the
   * grade changed, else `updated`, with the changed fields. REST gives the version it replaces
   * (412 for a stale If-Match, 409 for a stale body version, 428 without one); a sync push gives
   * the device's base instead and is merged three-way under the tenant's conflict policy (see
   * `write`), also into a customer deleted meanwhile. An update that changes nothing answers the
   * customer as it is, without a new version or event. Writing a field the user may not write is a
   * 403 naming it (sending its current, readable value unchanged is not a write).
   */
  async update(
    user: AuthenticatedUser,
    policy: AccessPolicy,
    id: string,
    input: UpdateCustomerDto,
    base: WriteBase,
    idempotency?: IdempotencyKeyHeader,
  ): Promise<CustomerWriteResult> {
    if (base.kind === 'version' && !base.expected) throw CommonException.preconditionRequired(CUSTOMER, id);
    const requested = customerFieldsOf(input);
    if (requested.location) assertValidLocation(requested.location);
    try {
      const { result } = await this.writes.run(idempotentRequest(user, idempotency), async (manager) => {
        const settings = await this.settings.forCustomerWrite(manager, user.tenantId);
        const current = await this.lockForWrite(manager, user, id, base);
        return this.write(manager, user, policy, settings, current, requested, false, base);
      });
      return result;
    } catch (error) {
      // Also a restore (a merge undoing a delete) whose externalId another customer took meanwhile.
      if (violatedConstraint(error) === EXTERNAL_ID_KEY) throw CustomerException.externalIdTaken(requested.externalId ?? undefined);
      throw error;
    }
  }

  /**
   * Soft-deletes a customer in the user's scope and publishes `deleted` with its last state; it
   * leaves every read and list, and its externalId is free again. REST checks the version when one
   * is given; a sync push merges the delete against the changes made since the device's base (an
   * edit that wins keeps the customer: `rejected`). Deleting a deleted customer changes nothing.
   */
  async delete(
    user: AuthenticatedUser,
    policy: AccessPolicy,
    id: string,
    base: WriteBase,
    idempotency?: IdempotencyKeyHeader,
  ): Promise<CustomerWriteResult> {
    const { result } = await this.writes.run(idempotentRequest(user, idempotency), async (manager) => {
      const settings = await this.settings.forCustomerWrite(manager, user.tenantId);
      const current = await this.lockForWrite(manager, user, id, base);
      return this.write(manager, user, policy, settings, current, {}, true, base);
    });
    return result;
  }

  /**
   * The one write every entry point ends in (REST create of an existing id aside): checks the
   * fields against the user's field rules and the tenant's settings, merges them three-way with
   * the changes since the device's base when the write is a sync push (the existence of the
   * customer first: an edit of a customer deleted since, or a delete of one edited since, is
   * decided like any field, and the loser's whole write is rejected), then writes what changed at
   * the next version, stamping each changed field with that version and the user's role rank,
   * and publishes its event. The customer row is locked by the caller's transaction.
   */
  private async write(
    manager: EntityManager,
    user: AuthenticatedUser,
    policy: AccessPolicy,
    settings: TenantCustomerSettings,
    current: LockedCustomer,
    requested: CustomerFields,
    deleting: boolean,
    base: WriteBase,
  ): Promise<CustomerWriteResult> {
    policy.assertWritable(CUSTOMER, requested, { defaults: readableValues(policy, current.state) });
    assertSettingsHold(settings, requested, false);
    const wasDeleted = current.state.deletedAt !== null;
    let changes: Record<string, unknown> = deleting ? { [DELETED_FIELD]: true } : { ...requested };
    let conflicts: FieldConflict[] = [];
    if (base.kind === 'merge') {
      const merged = threeWayMerge({
        baseVersion: base.baseVersion,
        base: base.base,
        changes: deleting ? changes : { ...changes, [DELETED_FIELD]: false },
        server: { ...current.state, [DELETED_FIELD]: wasDeleted },
        stamps: current.stamps,
        clientRank: user.rank,
        policy: settings.conflictPolicy,
      });
      conflicts = readableConflicts(policy, merged.conflicts);
      if (!merged.accepted) return { customer: policy.maskReadable(CUSTOMER, current.state), status: 'rejected', conflicts, created: false };
      changes = merged.apply;
    }
    const status = conflicts.length > 0 ? 'merged' : 'applied';
    const { [DELETED_FIELD]: deleted, ...fields } = changes;
    const changedFields = changedFieldsOf(current.state, fields);
    const existenceChanged = deleted !== undefined && deleted !== wasDeleted;
    if (changedFields.length === 0 && !existenceChanged) {
      return { customer: policy.maskReadable(CUSTOMER, current.state), status, conflicts, created: false };
    }
    const version = current.state.version + 1;
    const stamped = [...changedFields, ...(existenceChanged ? [DELETED_FIELD] : [])];
    const columns: Partial<Customer> = {
      ...columnsOf(Object.fromEntries(changedFields.map((name) => [name, fields[name]]))),
      fieldStamps: stamp(current.stamps, stamped, version, user.rank),
    };
    if (existenceChanged) columns.deletedAt = deleted === true ? new Date() : null;
    const customer = await this.applyChanges(manager, current.state, columns);
    const event: OutboxEventInput =
      deleted === true && existenceChanged
        ? { type: 'fieldforce.customers.customer.deleted.v1', subject: customer.id, tenantId: customer.tenantId, data: { customer, changedFields: ['deletedAt'] } }
        : changeEvent(customer, existenceChanged ? [...changedFields, 'deletedAt'] : changedFields, current.state.ownerId);
    await this.outbox.publishAll(manager, [event]);
    return { customer: policy.maskReadable(CUSTOMER, customer), status, conflicts, created: false };
  }

  private scoped(manager: EntityManager, user: AuthenticatedUser, id: string) {
    const query = manager.getRepository(Customer).createQueryBuilder('customer').where('customer.id = :id', { id });
    return applyDataScope(query, user);
  }

  /**
   * The customer in the user's scope, locked for this transaction: live and still at the expected
   * version for a REST write; live or deleted for a sync merge. Not found otherwise.
   */
  private async lockForWrite(manager: EntityManager, user: AuthenticatedUser, id: string, base: WriteBase): Promise<LockedCustomer> {
    const query = this.scoped(manager, user, id).setLock('pessimistic_write');
    const customer = await (base.kind === 'merge' ? query.withDeleted() : query).getOne();
    if (!customer) throw CustomerException.notFound(id);
    const expected = base.kind === 'version' ? base.expected : undefined;
    if (expected && customer.version !== expected.version) {
      throw expected.precondition
        ? CommonException.preconditionFailed(CUSTOMER, id, `"${expected.version}"`)
        : CommonException.versionConflict(CUSTOMER, id, expected.version);
    }
    return locked(customer);
  }

  /** The customer with this id, live or deleted, locked; undefined when there is none; not found when it is another tenant's or outside the user's scope. */
  private async lockExisting(manager: EntityManager, user: AuthenticatedUser, id: string): Promise<LockedCustomer | undefined> {
    const [row] = await manager.query<{ id: string }[]>('SELECT id FROM customers.customers WHERE id = $1 FOR UPDATE', [id]);
    if (!row) return undefined;
    return this.lockForWrite(manager, user, id, { kind: 'merge', baseVersion: 0, base: {} });
  }

  // The row is locked by this transaction, so the versioned update cannot find it stale.
  private async applyChanges(manager: EntityManager, current: CustomerState, columns: Partial<Customer>): Promise<CustomerState> {
    const repository = manager.getRepository(Customer);
    // TypeORM adds `version = version + 1` and `updated_at` itself (version and update-date columns).
    const result = await repository
      .createQueryBuilder()
      .update()
      // TypeORM's deep-partial type cannot express an open JSON object (customFields); the entity type holds.
      .set(columns as QueryDeepPartialEntity<Customer>)
      .where({ id: current.id, version: current.version })
      .execute();
    if (result.affected !== 1) throw new Error(`customer ${current.id} changed under its row lock`);
    return toCustomerState(await repository.findOneOrFail({ where: { id: current.id }, withDeleted: true }));
  }

  /** Inserts a new customer at version 1, every field it sets stamped with the creator's rank, and publishes `created`. */
  private async insert(
    manager: EntityManager,
    user: AuthenticatedUser,
    id: string,
    fields: Partial<Customer>,
    changedFields: string[],
  ): Promise<CustomerState> {
    const repository = manager.getRepository(Customer);
    const fieldStamps = stamp({}, changedFields, 1, user.rank);
    // TypeORM's deep-partial type cannot express an open JSON object (customFields); the entity type holds.
    await repository.insert({ ...fields, id, fieldStamps } as QueryDeepPartialEntity<Customer>);
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
