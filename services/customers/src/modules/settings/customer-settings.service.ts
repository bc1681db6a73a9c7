import { isDeepStrictEqual } from 'node:util';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { type AuthenticatedUser } from '@fieldforce/auth';
import { OutboxPublisher } from '@fieldforce/messaging';
import { DEFAULT_MERGE_POLICY } from '@fieldforce/merge';
import { IdempotentWrites } from '@fieldforce/persistence';
import { CommonException, type FieldError, type IdempotencyKeyHeader } from '@fieldforce/platform';
import { idempotentRequest } from '../customers/customer-writes';
import { type CustomFieldDefinition, customFieldIssues, definitionIssues } from './custom-fields';
import { CustomerSettingsException } from './customer-settings.exception';
import { type CustomerSettingsResponse, type UpdateCustomerSettingsDto } from './dto/customer-settings.dto';
import { CustomerSettings } from './entities/customer-settings.entity';

/** Grades of a tenant that never set its own, highest first. */
export const DEFAULT_GRADES: readonly string[] = ['A', 'B', 'C', 'D'];

/** The settings' resource name in problems. */
const CUSTOMER_SETTINGS = 'customer-settings';

/** A tenant's customer settings as the service applies them (the defaults at version 0). */
export type TenantCustomerSettings = CustomerSettingsResponse;

/**
 * Why customer fields break the tenant's settings: a grade not in its list, custom fields that do
 * not match its definitions. A create checks its custom fields even when absent (required ones).
 */
export function customerSettingsIssues(
  settings: TenantCustomerSettings,
  fields: { grade?: string; customFields?: Record<string, unknown> },
  creating: boolean,
): FieldError[] {
  const issues: FieldError[] = [];
  if (fields.grade !== undefined && !settings.grades.includes(fields.grade)) {
    issues.push({ field: 'grade', message: `must be one of ${settings.grades.join(', ')}` });
  }
  if (fields.customFields !== undefined || creating) issues.push(...customFieldIssues(settings.customFields, fields.customFields ?? {}));
  return issues;
}

function defaults(tenantId: string): TenantCustomerSettings {
  return { tenantId, grades: [...DEFAULT_GRADES], customFields: [], conflictPolicy: DEFAULT_MERGE_POLICY, version: 0, updatedAt: null };
}

function toSettings(row: CustomerSettings): TenantCustomerSettings {
  return {
    tenantId: row.tenantId,
    grades: row.grades,
    customFields: row.customFields,
    conflictPolicy: row.conflictPolicy,
    version: row.version,
    updatedAt: row.updatedAt.toISOString(),
  };
}

// Only the members a definition has, `required` spelled out: stored and compared in one shape.
function normalized(definition: CustomFieldDefinition): CustomFieldDefinition {
  const { key, label, type, required, min, max, options } = definition;
  return {
    key,
    ...(label === undefined ? {} : { label }),
    type,
    required: required ?? false,
    ...(min === undefined ? {} : { min }),
    ...(max === undefined ? {} : { max }),
    ...(options === undefined ? {} : { options: [...options] }),
  };
}

// Customer writes take this lock shared, a settings change exclusively: no customer gets a grade
// or custom fields that a concurrent settings change is removing.
const LOCK = `hashtext('customers.settings'), hashtext($1)`;

/** Per-tenant customer settings: grades, custom field definitions, sync conflict policy. */
@Injectable()
export class CustomerSettingsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxPublisher,
    private readonly writes: IdempotentWrites,
  ) {}

  /** The tenant's settings, or the defaults (version 0) when it never set any. */
  async get(tenantId: string, manager: EntityManager = this.dataSource.manager): Promise<TenantCustomerSettings> {
    const row = await manager.getRepository(CustomerSettings).findOneBy({ tenantId });
    return row ? toSettings(row) : defaults(tenantId);
  }

  /** The settings a customer write in `manager`'s transaction checks against; they cannot change until it commits. */
  async forCustomerWrite(manager: EntityManager, tenantId: string): Promise<TenantCustomerSettings> {
    await manager.query(`SELECT pg_advisory_xact_lock_shared(${LOCK})`, [tenantId]);
    return this.get(tenantId, manager);
  }

  /**
   * Replaces the tenant's settings (at the If-Match version when given: 412 otherwise) and publishes
   * `settings.updated` with what changed. Definitions that cannot be a tenant's are a 422 naming each
   * bad part; leaving out a grade that live customers have is a 409 naming the grades. Existing
   * custom field values are not rewritten: a customer's custom fields are checked when next written.
   */
  async update(
    user: AuthenticatedUser,
    input: UpdateCustomerSettingsDto,
    expectedVersion: number | undefined,
    idempotency?: IdempotencyKeyHeader,
  ): Promise<TenantCustomerSettings> {
    const customFields = input.customFields.map((definition) => normalized(definition as CustomFieldDefinition));
    const issues = definitionIssues(customFields);
    const grades = input.grades.map((grade) => grade.trim());
    grades.forEach((grade, index) => {
      if (grade === '') issues.push({ field: `grades[${index}]`, message: 'must not be blank' });
      else if (grades.indexOf(grade) !== index) issues.push({ field: `grades[${index}]`, message: `repeats the grade ${grade}` });
    });
    if (issues.length > 0) throw CustomerSettingsException.invalid(issues);
    const { result } = await this.writes.run(idempotentRequest(user, idempotency), async (manager) => {
      await manager.query(`SELECT pg_advisory_xact_lock(${LOCK})`, [user.tenantId]);
      const current = await this.get(user.tenantId, manager);
      if (expectedVersion !== undefined && expectedVersion !== current.version) {
        throw CommonException.preconditionFailed(CUSTOMER_SETTINGS, user.tenantId, `"${expectedVersion}"`);
      }
      const next = { grades, customFields, conflictPolicy: input.conflictPolicy };
      const changedFields = (Object.keys(next) as (keyof typeof next)[]).filter((field) => !isDeepStrictEqual(current[field], next[field]));
      if (changedFields.length === 0) return current;
      await this.assertGradesUnused(manager, user.tenantId, grades);
      const [row] = await manager.query<{ updated_at: Date }[]>(
        `INSERT INTO customers.tenant_settings (tenant_id, grades, custom_fields, conflict_policy, version, updated_at)
         VALUES ($1, $2, $3::jsonb, $4, $5, now())
         ON CONFLICT (tenant_id) DO UPDATE
           SET grades = EXCLUDED.grades, custom_fields = EXCLUDED.custom_fields, conflict_policy = EXCLUDED.conflict_policy,
               version = EXCLUDED.version, updated_at = EXCLUDED.updated_at
         RETURNING updated_at`,
        [user.tenantId, grades, JSON.stringify(customFields), input.conflictPolicy, current.version + 1],
      );
      const settings = { tenantId: user.tenantId, ...next, version: current.version + 1, updatedAt: row!.updated_at.toISOString() };
      await this.outbox.publish(manager, 'fieldforce.customers.settings.updated.v1', {
        subject: user.tenantId,
        tenantId: user.tenantId,
        data: { settings, changedFields },
      });
      return settings;
    });
    return result;
  }

  /** 409 when live customers of the tenant have a grade outside `grades`. */
  private async assertGradesUnused(manager: EntityManager, tenantId: string, grades: readonly string[]): Promise<void> {
    const rows = await manager.query<{ grade: string; customers: number }[]>(
      `SELECT grade, count(*)::int AS customers FROM customers.customers
       WHERE tenant_id = $1 AND deleted_at IS NULL AND grade <> ALL($2::text[])
       GROUP BY grade ORDER BY grade`,
      [tenantId, grades],
    );
    if (rows.length > 0) throw CustomerSettingsException.gradesInUse(new Map(rows.map((row) => [row.grade, row.customers])));
  }
}
