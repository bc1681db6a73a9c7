import { randomUUID } from 'node:crypto';
import { type DataSource } from 'typeorm';
import { uuidv7 } from '@fieldforce/contracts';

/** A valid create body: a pharmacy in Berlin with a fresh id and external id; `overrides` replace fields. */
export function customerInput(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: uuidv7(),
    name: 'Corner Pharmacy Nord',
    grade: 'A',
    location: { lat: 52.5321, lng: 13.3849 },
    address: 'Invalidenstraße 12, 10115 Berlin',
    contacts: [{ name: 'Mara Lind', email: 'mara.lind@example.com' }],
    tags: ['pharmacy'],
    externalId: `CRM-${randomUUID()}`,
    creditLimit: 25000,
    ...overrides,
  };
}

/** A stored customer row as `insertCustomers` takes it: the required fields, the rest optional. */
export interface CustomerRow {
  id?: string;
  tenantId: string;
  name?: string;
  grade?: string;
  lat?: number | null;
  lng?: number | null;
  address?: string | null;
  tags?: string[];
  externalId?: string | null;
  ownerId?: string | null;
  orgPath?: string | null;
  creditLimit?: number | null;
}

/**
 * Writes customers straight into the table (no events), for tests about reading many of them;
 * answers their ids in order.
 */
export async function insertCustomers(dataSource: DataSource, rows: CustomerRow[]): Promise<string[]> {
  const ids = rows.map((row) => row.id ?? uuidv7());
  const values = rows.map((row, index) => ({
    id: ids[index],
    tenant_id: row.tenantId,
    version: 1,
    name: row.name ?? `Customer ${index}`,
    grade: row.grade ?? 'C',
    lat: row.lat ?? null,
    lng: row.lng ?? null,
    address: row.address ?? null,
    tags: row.tags ?? [],
    external_id: row.externalId ?? null,
    owner_id: row.ownerId ?? null,
    org_path: row.orgPath ?? null,
    credit_limit: row.creditLimit ?? null,
  }));
  for (let start = 0; start < values.length; start += 1_000) {
    await dataSource.query(
      `INSERT INTO customers.customers (id, tenant_id, version, name, grade, lat, lng, address, tags, external_id, owner_id, org_path, credit_limit)
       SELECT id, tenant_id, version, name, grade, lat, lng, address, tags, external_id, owner_id, org_path, credit_limit
       FROM jsonb_to_recordset($1::jsonb) AS r(id uuid, tenant_id uuid, version int, name text, grade text, lat float8, lng float8,
         address text, tags text[], external_id text, owner_id uuid, org_path text, credit_limit numeric)`,
      [JSON.stringify(values.slice(start, start + 1_000))],
    );
  }
  return ids;
}
