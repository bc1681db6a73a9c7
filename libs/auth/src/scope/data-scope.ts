import { type ObjectLiteral, type SelectQueryBuilder } from 'typeorm';
import { type DataScope, isUnderOrgPath, ORG_PATH_REGEX } from '@fieldforce/contracts';
import { type AuthenticatedUser } from '../token/authenticated-user';

/** The parts of a user that decide which records they see. */
export type ScopeSubject = Pick<AuthenticatedUser, 'userId' | 'tenantId' | 'orgPath' | 'scope'>;

/** The scope-relevant fields of a record. */
export interface ScopedRecord {
  tenantId: string;
  ownerId?: string | null;
  orgPath?: string | null;
}

export interface DataScopeOptions {
  /** Alias of the queried table; `applyDataScope` defaults to the query builder's main alias. */
  alias?: string;
  /** Column names in the database (defaults `tenant_id`, `owner_id`, `org_path`). */
  columns?: { tenantId?: string; ownerId?: string; orgPath?: string };
  /** `ltree` compares with `<@` (uses a GiST index); `text` (default) compares as a prefix at a `.` boundary. */
  orgPathType?: 'text' | 'ltree';
  /** Prefix of the parameter names, when one query applies two scopes. Default `scope`. */
  parameterPrefix?: string;
}

/** A WHERE fragment and its named parameters, for `qb.andWhere(sql, parameters)`. */
export interface ScopeCondition {
  sql: string;
  parameters: Record<string, string>;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

function quoted(identifier: string): string {
  if (!IDENTIFIER.test(identifier)) throw new Error(`Invalid SQL identifier "${identifier}"`);
  return `"${identifier}"`;
}

// Labels allow `_`, a LIKE wildcard; `\` is Postgres's default LIKE escape.
function likePrefix(orgPath: string): string {
  return `${orgPath.replace(/[\\%_]/g, (char) => `\\${char}`)}.%`;
}

/** True when the scope reaches beyond the user's own records to an org subtree. */
function coversOrgUnit(scope: DataScope): boolean {
  return scope === 'team' || scope === 'region';
}

/**
 * The SQL condition restricting a query to the records `subject` may see: always the tenant;
 * then `own` → owned by the user, `team` / `region` → owned by the user or with an org path at or
 * under the user's, `all` → the whole tenant. An org path that is not ltree-compatible reaches nothing.
 */
export function dataScopeCondition(subject: ScopeSubject, options: DataScopeOptions = {}): ScopeCondition {
  const prefix = options.parameterPrefix ?? 'scope';
  if (!IDENTIFIER.test(prefix)) throw new Error(`Invalid parameter prefix "${prefix}"`);
  const column = (name: string): string => (options.alias === undefined ? quoted(name) : `${quoted(options.alias)}.${quoted(name)}`);
  const tenantId = column(options.columns?.tenantId ?? 'tenant_id');
  const ownerId = column(options.columns?.ownerId ?? 'owner_id');
  const orgPath = column(options.columns?.orgPath ?? 'org_path');
  const p = { tenant: `${prefix}TenantId`, user: `${prefix}UserId`, path: `${prefix}OrgPath`, like: `${prefix}OrgPathLike` };
  const tenant = `${tenantId} = :${p.tenant}`;

  switch (subject.scope) {
    case 'all':
      return { sql: tenant, parameters: { [p.tenant]: subject.tenantId } };
    case 'own':
      return { sql: `(${tenant} AND ${ownerId} = :${p.user})`, parameters: { [p.tenant]: subject.tenantId, [p.user]: subject.userId } };
    case 'team':
    case 'region': {
      const parameters: Record<string, string> = { [p.tenant]: subject.tenantId, [p.user]: subject.userId };
      if (!ORG_PATH_REGEX.test(subject.orgPath)) return { sql: `(${tenant} AND ${ownerId} = :${p.user})`, parameters };
      parameters[p.path] = subject.orgPath;
      let under: string;
      if (options.orgPathType === 'ltree') {
        under = `${orgPath} <@ CAST(:${p.path} AS ltree)`;
      } else {
        parameters[p.like] = likePrefix(subject.orgPath);
        under = `(${orgPath} = :${p.path} OR ${orgPath} LIKE :${p.like})`;
      }
      return { sql: `(${tenant} AND (${ownerId} = :${p.user} OR ${under}))`, parameters };
    }
    default: {
      const unknown: never = subject.scope;
      throw new TypeError(`unknown data scope ${String(unknown)}`);
    }
  }
}

/** Adds the data scope of `subject` to a select query (on its main alias unless `options.alias` says otherwise). */
export function applyDataScope<T extends ObjectLiteral>(
  query: SelectQueryBuilder<T>,
  subject: ScopeSubject,
  options: DataScopeOptions = {},
): SelectQueryBuilder<T> {
  const { sql, parameters } = dataScopeCondition(subject, { ...options, alias: options.alias ?? query.alias });
  return query.andWhere(sql, parameters);
}

/** The in-memory twin of `dataScopeCondition`: whether `subject` may see `record` (single reads, event filtering). */
export function isInScope(subject: ScopeSubject, record: ScopedRecord): boolean {
  if (record.tenantId !== subject.tenantId) return false;
  if (subject.scope === 'all') return true;
  const owned = record.ownerId != null && record.ownerId === subject.userId;
  if (owned || !coversOrgUnit(subject.scope)) return owned;
  return record.orgPath != null && ORG_PATH_REGEX.test(subject.orgPath) && isUnderOrgPath(record.orgPath, subject.orgPath);
}
