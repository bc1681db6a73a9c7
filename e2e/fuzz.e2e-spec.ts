import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { type ServiceProcess, startServiceProcess, testAdminUrl, testDatabaseUrl, testJwks, testKafka } from '@fieldforce/testing';
import { type FuzzCase, generateFuzzCases, type OpenApiDocument } from './fuzz/openapi-cases';

const SERVICES = ['permissions', 'customers', 'visits', 'checkins', 'sync'] as const;
const SCHEMAS = SERVICES;
const BODY_LIMIT_BYTES = 1_048_576;
const CONCURRENCY = 8;
// tus answers its own protocol's errors; the routes are fuzzed, the content type is tus's.
const TUS_PREFIX = '/api/v1/uploads';

interface Finding {
  operation: string;
  label: string;
  status: number;
  contentType: string | null;
  body: string;
}

/**
 * Bad input, generated from every route in the merged OpenAPI document and sent through the
 * gateway to the real services: every answer must be a 4xx problem+json (never a 5xx, never a
 * success), and nothing may be written for the tenant the requests come from.
 */
describe('bad input on every documented route', () => {
  const processes: ServiceProcess[] = [];
  let gateway: ServiceProcess;
  const tenantId = randomUUID();

  beforeAll(async () => {
    const kafka = testKafka();
    const jwks = await testJwks();
    const shared = { KAFKA_BROKERS: kafka.brokers.join(','), KAFKA_TOPIC_PREFIX: kafka.topicPrefix, ...jwks.env() };
    const started = await Promise.all(
      SERVICES.map((service) => startServiceProcess(service, { ...shared, DATABASE_URL: testDatabaseUrl(service) }, { timeoutMs: 120_000 })),
    );
    processes.push(...started);
    const upstreams = Object.fromEntries(started.map((service) => [`UPSTREAM_${service.name.toUpperCase()}_URL`, service.url]));
    gateway = await startServiceProcess(
      'gateway',
      { ...jwks.env(), ...upstreams, RATE_LIMIT_USER_PER_MINUTE: '1000000', RATE_LIMIT_IP_PER_MINUTE: '1000000', RATE_LIMIT_LOGIN_PER_MINUTE: '1000000' },
      { timeoutMs: 120_000 },
    );
    processes.push(gateway);
  }, 300_000);

  afterAll(async () => {
    await Promise.all(processes.map((service) => service.stop()));
  });

  async function rowsOfTenant(): Promise<Record<string, number>> {
    const client = new Client({ connectionString: testAdminUrl() });
    await client.connect();
    try {
      const tables = await client.query<{ schema: string; table: string }>(
        `SELECT c.table_schema AS schema, c.table_name AS table FROM information_schema.columns c
         JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
         WHERE c.column_name = 'tenant_id' AND c.table_schema = ANY($1)`,
        [SCHEMAS],
      );
      const counts: Record<string, number> = {};
      for (const { schema, table } of tables.rows) {
        const result = await client.query<{ count: string }>(`SELECT count(*) FROM "${schema}"."${table}" WHERE tenant_id::text = $1`, [tenantId]);
        const count = Number(result.rows[0]!.count);
        if (count > 0) counts[`${schema}.${table}`] = count;
      }
      return counts;
    } finally {
      await client.end();
    }
  }

  async function send(fuzz: FuzzCase): Promise<Finding | undefined> {
    let response: Response;
    try {
      response = await fetch(`${gateway.url}${fuzz.url}`, { method: fuzz.method, headers: fuzz.headers, body: fuzz.body });
    } catch (error) {
      return { operation: fuzz.operation, label: fuzz.label, status: 0, contentType: null, body: String(error) };
    }
    const body = await response.text();
    const contentType = response.headers.get('content-type');
    const problem = contentType?.startsWith('application/problem+json') === true;
    const tus = fuzz.url.startsWith(TUS_PREFIX);
    // Without a token the gateway refuses every routed path with 401; a 404 means it routes the documented path nowhere.
    const expected = fuzz.label === 'no token' ? response.status === 401 : response.status >= 400 && response.status < 500;
    if (expected && (problem || tus)) return undefined;
    return { operation: fuzz.operation, label: fuzz.label, status: response.status, contentType, body: body.slice(0, 300) };
  }

  it('answers every invalid case with a 4xx problem+json and writes nothing', async () => {
    const token = await (await testJwks()).sign({ tid: tenantId, roles: ['admin'], scope: 'all', org: 'hq', amr: ['pwd', 'otp'] });
    const document = (await (await fetch(`${gateway.url}/docs/openapi.json`)).json()) as OpenApiDocument & { info: Record<string, unknown> };
    expect(document.info['x-unavailable-services'] ?? []).toEqual([]);
    const cases = generateFuzzCases(document, { authorization: `Bearer ${token}` }, BODY_LIMIT_BYTES);
    const before = await rowsOfTenant();

    const findings: Finding[] = [];
    for (let next = 0; next < cases.length; next += CONCURRENCY) {
      const answers = await Promise.all(cases.slice(next, next + CONCURRENCY).map(send));
      for (const finding of answers) if (finding) findings.push(finding);
    }
    const after = await rowsOfTenant();

    const operations = new Set(cases.map((fuzz) => fuzz.operation)).size;
    const secured = new Set(cases.filter((fuzz) => fuzz.label === 'no token').map((fuzz) => fuzz.operation)).size;
    const report = { cases: cases.length, operations, findings: findings.length, written: after };
    mkdirSync(path.resolve(__dirname, '../reports'), { recursive: true });
    writeFileSync(path.resolve(__dirname, '../reports/fuzz.json'), JSON.stringify({ ...report, details: findings }, null, 2));
    process.stdout.write(`fuzz: ${cases.length} invalid requests on ${operations} operations, ${findings.length} not answered with a 4xx problem+json\n`);
    expect(operations).toBeGreaterThan(40);
    expect(secured).toBeGreaterThan(operations - 10);
    expect(findings).toEqual([]);
    expect(after).toEqual(before);
  }, 900_000);
});
