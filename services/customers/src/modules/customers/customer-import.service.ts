import { Injectable } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { DataSource, type EntityManager, In } from 'typeorm';
import { type AccessPolicy, type AuthenticatedUser, isInScope } from '@fieldforce/auth';
import { type CustomerState, uuidv7 } from '@fieldforce/contracts';
import { type FieldStamps, stamp } from '@fieldforce/merge';
import { type OutboxEventInput, OutboxPublisher } from '@fieldforce/messaging';
import { IdempotentWrites } from '@fieldforce/persistence';
import { type FieldError, type IdempotencyKeyHeader, toFieldErrors } from '@fieldforce/platform';
import { locationIssues } from '../geo/geo';
import { customerSettingsIssues, CustomerSettingsService, type TenantCustomerSettings } from '../settings/customer-settings.service';
import { toCustomerState } from './customer.state';
import { changeEvent } from './customer-events';
import { changedFieldsOf, columnsOf, type CustomerFields, customerFieldsOf } from './customer-fields';
import { CustomerOwners } from './customer-owners';
import {
  createDefaults,
  createdFields,
  CUSTOMER,
  idempotentRequest,
  newCustomerColumns,
  readableValues,
} from './customer-writes';
import { ImportCustomerRow, type ImportOutcome, type ImportResultResponse, type ImportRowResult } from './dto/import-customers.dto';
import { Customer } from './entities/customer.entity';

/** A row that passed its own checks: its customer fields, to be matched by externalId. */
interface CheckedRow {
  row: number;
  externalId: string;
  fields: CustomerFields;
}

/** A row's planned effect on the database. */
type Plan =
  | { kind: 'create'; row: CheckedRow; id: string; columns: Partial<Customer> }
  | { kind: 'update'; row: CheckedRow; current: CustomerState; changedFields: string[]; columns: Partial<Customer> }
  | { kind: 'unchanged'; row: CheckedRow; current: CustomerState };

// The columns a set-based write carries, as jsonb_to_recordset reads them.
const RECORD_COLUMNS = `id uuid, version int, name text, grade text, lat float8, lng float8, address text, contacts jsonb,
  tags text[], external_id text, owner_id uuid, org_path text, credit_limit numeric, custom_fields jsonb, field_stamps jsonb`;

/** A row of a set-based write; `fieldStamps` are the stamps of the fields it changes, at the version it writes. */
function record(id: string, version: number, columns: Partial<Customer>, fieldStamps: FieldStamps): Record<string, unknown> {
  return {
    id,
    version,
    field_stamps: fieldStamps,
    name: columns.name,
    grade: columns.grade,
    lat: columns.lat,
    lng: columns.lng,
    address: columns.address,
    contacts: columns.contacts,
    tags: columns.tags,
    external_id: columns.externalId,
    owner_id: columns.ownerId,
    org_path: columns.orgPath,
    credit_limit: columns.creditLimit,
    custom_fields: columns.customFields,
  };
}

/** The columns of `current` with `fields` applied. */
function mergedColumns(current: CustomerState, fields: CustomerFields): Partial<Customer> {
  const { id: _id, tenantId: _tenantId, version: _version, createdAt: _c, updatedAt: _u, deletedAt: _d, ...editable } = current;
  return columnsOf({ ...editable, ...fields });
}

const rowError = (row: number, externalId: string | null, errors: FieldError[]): ImportRowResult => ({
  row,
  externalId,
  outcome: 'error',
  errors,
});

/**
 * Bulk upsert of customers by externalId, set-based: one statement each to read the matches,
 * insert the new customers, update the changed ones, and append their events, whatever the
 * number of rows.
 */
@Injectable()
export class CustomerImportService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxPublisher,
    private readonly writes: IdempotentWrites,
    private readonly owners: CustomerOwners,
    private readonly settings: CustomerSettingsService,
  ) {}

  /**
   * Creates the rows whose externalId is new and updates those whose fields differ from the stored
   * customer (publishing created / updated / graded / assigned); rows that match change and publish
   * nothing, so importing the same file twice is a no-op. Each row is checked on its own (shape,
   * location, writable fields, owner, scope, the tenant's grades and custom fields): a bad row is reported with its reasons and the
   * others still apply. Results come in request order, without the fields the user may not read.
   */
  async import(
    user: AuthenticatedUser,
    policy: AccessPolicy,
    rows: readonly unknown[],
    idempotency?: IdempotencyKeyHeader,
  ): Promise<ImportResultResponse> {
    const results: (ImportRowResult | undefined)[] = Array.from({ length: rows.length }, () => undefined);
    const checked: CheckedRow[] = [];
    const firstRowOf = new Map<string, number>();
    rows.forEach((raw, row) => {
      const outcome = checkRow(raw, row);
      if ('outcome' in outcome) {
        results[row] = outcome;
        return;
      }
      const first = firstRowOf.get(outcome.externalId);
      if (first !== undefined) {
        results[row] = rowError(row, outcome.externalId, [{ field: 'externalId', message: `repeats row ${first} of this import` }]);
        return;
      }
      firstRowOf.set(outcome.externalId, row);
      checked.push(outcome);
    });

    const { result } = await this.writes.run(idempotentRequest(user, idempotency), async (manager) => {
      const applied = await this.apply(manager, user, policy, checked);
      const merged = results.map((known, row) => known ?? applied.get(row));
      return summarize(merged as ImportRowResult[]);
    });
    return result;
  }

  private async apply(
    manager: EntityManager,
    user: AuthenticatedUser,
    policy: AccessPolicy,
    checked: readonly CheckedRow[],
  ): Promise<Map<number, ImportRowResult>> {
    const results = new Map<number, ImportRowResult>();
    if (checked.length === 0) return results;
    // Imports of one tenant take turns, so two of them never create the same externalId at once.
    await manager.query(`SELECT pg_advisory_xact_lock(hashtext('customers.import'), hashtext($1))`, [user.tenantId]);
    const existing = await manager
      .getRepository(Customer)
      .createQueryBuilder('customer')
      .setLock('pessimistic_write')
      .where('customer.tenantId = :tenantId AND customer.externalId = ANY(:externalIds)', {
        tenantId: user.tenantId,
        externalIds: checked.map((row) => row.externalId),
      })
      .getMany();
    const byExternalId = new Map(existing.map((customer) => [customer.externalId!, toCustomerState(customer)]));
    const ownerIds = checked.map((row) => row.fields.ownerId ?? user.userId);
    const ownerPaths = await this.owners.orgPathsOf(user, [...new Set(ownerIds)], manager);
    const settings = await this.settings.forCustomerWrite(manager, user.tenantId);

    const plans: Plan[] = [];
    for (const row of checked) {
      const planned = this.plan(user, policy, settings, row, byExternalId.get(row.externalId), ownerPaths);
      if ('outcome' in planned) results.set(row.row, planned);
      else plans.push(planned);
    }

    const creates = plans.filter((plan) => plan.kind === 'create');
    const updates = plans.filter((plan) => plan.kind === 'update');
    const inserted = await this.insertAll(manager, user, creates);
    const updated = await this.updateAll(manager, user, updates);
    const written = await manager.getRepository(Customer).findBy({ id: In([...inserted, ...updated]) });
    const states = new Map(written.map((customer) => [customer.id, toCustomerState(customer)]));

    const events: OutboxEventInput[] = [];
    for (const plan of plans) {
      const { row, externalId } = plan.row;
      if (plan.kind === 'unchanged') {
        results.set(row, { row, externalId, outcome: 'unchanged', customer: policy.maskReadable(CUSTOMER, plan.current) });
        continue;
      }
      const id = plan.kind === 'create' ? plan.id : plan.current.id;
      const customer = states.get(id);
      if (!customer) {
        // Only an insert can miss: a concurrent single create took the externalId meanwhile.
        results.set(row, rowError(row, externalId, [{ field: 'externalId', message: 'was taken by another customer during the import' }]));
        continue;
      }
      if (plan.kind === 'create') {
        events.push({
          type: 'fieldforce.customers.customer.created.v1',
          subject: id,
          tenantId: customer.tenantId,
          data: { customer, changedFields: createdFields(plan.row.fields) },
        });
      } else {
        events.push(changeEvent(customer, plan.changedFields, plan.current.ownerId));
      }
      const outcome: ImportOutcome = plan.kind === 'create' ? 'created' : 'updated';
      results.set(row, { row, externalId, outcome, customer: policy.maskReadable(CUSTOMER, customer) });
    }
    await this.outbox.publishAll(manager, events);
    return results;
  }

  /** What one checked row does: create, update, nothing, or an error (owner, scope, field rules). */
  private plan(
    user: AuthenticatedUser,
    policy: AccessPolicy,
    settings: TenantCustomerSettings,
    row: CheckedRow,
    current: CustomerState | undefined,
    ownerPaths: ReadonlyMap<string, string>,
  ): Plan | ImportRowResult {
    const fields: CustomerFields = { ...row.fields };
    // A new customer needs an owner; an existing one is checked only when the row gives it another.
    const ownerId = current ? (fields.ownerId === current.ownerId ? undefined : fields.ownerId) : (fields.ownerId ?? user.userId);
    if (ownerId !== undefined && ownerId !== null) {
      const orgPath = ownerPaths.get(ownerId);
      if (orgPath === undefined) return rowError(row.row, row.externalId, [{ field: 'ownerId', message: 'is not an active user within your data scope' }]);
      fields.orgPath = orgPath;
    }
    if (current && !isInScope(user, current)) {
      return rowError(row.row, row.externalId, [{ field: 'externalId', message: 'belongs to a customer outside your data scope' }]);
    }
    const unwritable = policy.unwritableFieldsIn(CUSTOMER, row.fields, {
      defaults: current ? readableValues(policy, current) : createDefaults(user, settings),
    });
    if (unwritable.length > 0) {
      return rowError(row.row, row.externalId, unwritable.map((field) => ({ field, message: 'you may not write this field' })));
    }
    const broken = customerSettingsIssues(settings, row.fields, !current);
    if (broken.length > 0) return rowError(row.row, row.externalId, broken);
    if (!current) return { kind: 'create', row, id: uuidv7(), columns: newCustomerColumns(user, settings, fields, fields.orgPath!) };
    const changedFields = changedFieldsOf(current, fields);
    if (changedFields.length === 0) return { kind: 'unchanged', row, current };
    return { kind: 'update', row, current, changedFields, columns: mergedColumns(current, fields) };
  }

  /**
   * Inserts the new customers in one statement, each field they set stamped at version 1 with the
   * importer's rank; answers the ids that went in (a taken externalId does not).
   */
  private async insertAll(manager: EntityManager, user: AuthenticatedUser, creates: Extract<Plan, { kind: 'create' }>[]): Promise<string[]> {
    if (creates.length === 0) return [];
    const rows = await manager.query<{ id: string }[]>(
      `INSERT INTO customers.customers
         (id, tenant_id, version, name, grade, lat, lng, address, contacts, tags, external_id, owner_id, org_path, credit_limit, custom_fields,
          field_stamps)
       SELECT r.id, $1, 1, r.name, r.grade, r.lat, r.lng, r.address, r.contacts, r.tags, r.external_id, r.owner_id, r.org_path,
              r.credit_limit, r.custom_fields, r.field_stamps
       FROM jsonb_to_recordset($2::jsonb) AS r(${RECORD_COLUMNS})
       ON CONFLICT DO NOTHING
       RETURNING id`,
      [
        user.tenantId,
        JSON.stringify(creates.map((plan) => record(plan.id, 1, plan.columns, stamp({}, createdFields(plan.row.fields), 1, user.rank)))),
      ],
    );
    return rows.map((row) => row.id);
  }

  /**
   * Writes the changed customers (locked by this transaction) in one statement, each at its next
   * version, stamping the fields it changes with that version and the importer's rank.
   */
  private async updateAll(manager: EntityManager, user: AuthenticatedUser, updates: Extract<Plan, { kind: 'update' }>[]): Promise<string[]> {
    if (updates.length === 0) return [];
    // An UPDATE answers [rows, count] through TypeORM.
    const [rows] = await manager.query<[{ id: string }[], number]>(
      `UPDATE customers.customers AS c
       SET name = r.name, grade = r.grade, lat = r.lat, lng = r.lng, address = r.address, contacts = r.contacts, tags = r.tags,
           external_id = r.external_id, owner_id = r.owner_id, org_path = r.org_path, credit_limit = r.credit_limit,
           custom_fields = r.custom_fields, field_stamps = c.field_stamps || r.field_stamps, version = c.version + 1, updated_at = now()
       FROM jsonb_to_recordset($1::jsonb) AS r(${RECORD_COLUMNS})
       WHERE c.id = r.id AND c.version = r.version
       RETURNING c.id`,
      [
        JSON.stringify(
          updates.map((plan) =>
            record(plan.current.id, plan.current.version, plan.columns, stamp({}, plan.changedFields, plan.current.version + 1, user.rank)),
          ),
        ),
      ],
    );
    return rows.map((row) => row.id);
  }
}

/** A row's own checks: an object of the row's shape with a possible location; its fields, or the errors. */
function checkRow(raw: unknown, row: number): CheckedRow | ImportRowResult {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return rowError(row, null, [{ field: 'row', message: 'must be an object' }]);
  }
  const externalId = typeof (raw as { externalId?: unknown }).externalId === 'string' ? (raw as { externalId: string }).externalId : null;
  const instance = plainToInstance(ImportCustomerRow, raw);
  const errors = toFieldErrors(validateSync(instance, { whitelist: true, forbidNonWhitelisted: true }));
  if (errors.length === 0 && instance.location) errors.push(...locationIssues(instance.location));
  if (errors.length > 0 || externalId === null) return rowError(row, externalId, errors);
  return { row, externalId, fields: customerFieldsOf(instance) };
}

function summarize(rows: ImportRowResult[]): ImportResultResponse {
  const summary = { created: 0, updated: 0, unchanged: 0, error: 0 };
  for (const row of rows) summary[row.outcome] += 1;
  return { summary, rows };
}
