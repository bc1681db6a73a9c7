import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { eventually } from '@fieldforce/testing';
import { GatewayClient, expectStatus, isoDay } from '../support/gateway-client';
import { createTenant } from '../support/platform';
import { type FaultPlatform } from './platform';

const PASSWORD = 'a-faults-password';
// Read models fill from events: generous, but bounded.
const EVENTS_MS = 120_000;

export interface Location {
  lat: number;
  lng: number;
}

/** A rep of the tenant with the customers they own and the week's tasks at them (one per customer). */
export interface FieldRep {
  id: string;
  username: string;
  customers: { id: string; location: Location }[];
  tasks: { id: string; customerId: string }[];
}

export interface FieldTenant {
  tenantId: string;
  /** The tenant's gateway client (logins with the tenant's shared password). */
  client: GatewayClient;
  reps: FieldRep[];
}

/**
 * A tenant as a customer runs it, set up through the gateway before any fault: the tenant CLI,
 * the admin's TOTP enrolment, a team of reps, `customersPerRep` customers per rep (bulk import),
 * a weekly visit template and the week's plan, so every customer has a task for a check-in.
 */
export async function setUpTenant(platform: FaultPlatform, options: { reps: number; customersPerRep: number }): Promise<FieldTenant> {
  const slug = `faults-${randomBytes(3).toString('hex')}`;
  const created = await createTenant({ slug, admin: 'chief', name: 'Faults GmbH', password: PASSWORD, databaseUrl: platform.database.serviceUrl('permissions') });
  if (created.code !== 0) throw new Error(`the tenant CLI failed:\n${created.output}`);
  const client = new GatewayClient(platform.gatewayUrl, slug, PASSWORD);
  const admin = await client.enrolAdmin('chief');
  const me = await client.call<{ user: { tenantId: string } }>('GET', '/api/v1/me', { token: admin });
  expectStatus(me, 200, 'GET /api/v1/me');
  const { tenantId } = me.body.user;

  const units = await client.call<{ items: { id: string; parentId: string | null }[] }>('GET', '/api/v1/org-units', { token: admin });
  const root = units.body.items.find((unit) => unit.parentId === null);
  const team = await client.call<{ id: string }>('POST', '/api/v1/org-units', { token: admin, body: { name: 'Field team', parentId: root?.id } });
  expectStatus(team, 201, 'POST /api/v1/org-units');

  const reps: FieldRep[] = [];
  for (let index = 0; index < options.reps; index += 1) {
    const username = `rep${index + 1}`;
    const user = await client.call<{ id: string }>('POST', '/api/v1/users', {
      token: admin,
      body: { username, displayName: `Rep ${index + 1}`, password: PASSWORD, orgUnitId: team.body.id, roles: ['rep'] },
    });
    expectStatus(user, 201, `POST /api/v1/users (${username})`);
    reps.push({ id: user.body.id, username, customers: [], tasks: [] });
  }

  // Each rep's customers around a home point of their own, a few hundred metres apart.
  const rows = reps.flatMap((rep, repIndex) =>
    Array.from({ length: options.customersPerRep }, (_, index) => ({
      externalId: `${rep.username}-${index}`,
      name: `Customer ${index} of ${rep.username}`,
      grade: 'B',
      location: { lat: 52.4 + repIndex * 0.05 + (index % 10) * 0.003, lng: 13.3 + Math.floor(index / 10) * 0.004 },
      ownerId: rep.id,
    })),
  );
  // customers learns of the reps from the permission events; until then their rows fail and the import is repeated.
  await eventually('the customers of every rep are imported', async () => {
    const imported = await client.call<{ summary: { error: number }; rows: { externalId: string; customer?: { id: string; ownerId: string } }[] }>(
      'POST',
      '/api/v1/customers/import',
      { token: admin, body: { rows } },
    );
    if (imported.status !== 200 || imported.body.summary.error > 0) return false;
    for (const rep of reps) {
      rep.customers = imported.body.rows
        .filter((row) => row.customer?.ownerId === rep.id)
        .map((row) => ({ id: row.customer!.id, location: rows.find((r) => r.externalId === row.externalId)!.location }));
    }
    return reps.every((rep) => rep.customers.length === options.customersPerRep);
  }, EVENTS_MS);

  const template = await client.call('POST', '/api/v1/visit-templates', {
    token: admin,
    body: {
      name: 'Weekly round',
      grades: ['B'],
      frequency: { every: 1, unit: 'week' },
      expectedDurationMinutes: 30,
      geofenceRadiusMeters: 150,
      steps: [
        { key: 'arrive', type: 'check-in', required: true },
        { key: 'leave', type: 'check-out', required: true },
      ],
    },
  });
  expectStatus(template, 201, 'POST /api/v1/visit-templates');

  const today = new Date();
  const week = { from: isoDay(today), to: isoDay(new Date(today.getTime() + 6 * 86_400_000)) };
  const database = new Client({ connectionString: platform.database.adminUrl });
  await database.connect();
  try {
    // visits plans the customers it learned of from their events; generating again only adds what is missing.
    await eventually('every customer has a planned task', async () => {
      const generated = await client.call('POST', '/api/v1/visit-plans/generate', { token: admin, body: week });
      if (generated.status !== 200) return false;
      const { rows: tasks } = await database.query<{ id: string; customer_id: string; assignee_id: string }>(
        `SELECT id, customer_id, assignee_id FROM visits.visit_tasks WHERE tenant_id = $1 AND status = 'planned' ORDER BY due_date, id`,
        [tenantId],
      );
      for (const rep of reps) {
        const own = new Set(rep.customers.map((customer) => customer.id));
        rep.tasks = tasks.filter((task) => task.assignee_id === rep.id && own.has(task.customer_id)).map((task) => ({ id: task.id, customerId: task.customer_id }));
      }
      return reps.every((rep) => new Set(rep.tasks.map((task) => task.customerId)).size === rep.customers.length);
    }, EVENTS_MS);
  } finally {
    await database.end();
  }
  return { tenantId, client, reps };
}
