// Import of 5,000 rows through the customers service's HTTP endpoint (validation, set-based
// upsert, outbox): rows per second for a first import (creates), the same file again (nothing
// changes) and a file changing every row (updates).
//
//   node -r @swc-node/register bench/customers/import.ts
//   BENCH_ROWS=5000 BENCH_ROUNDS=3 (defaults)
import { randomUUID } from 'node:crypto';
import { createBenchDatabase, seededRandom, startBenchApp, timed } from './bench-env';

const ROWS = Number(process.env['BENCH_ROWS'] ?? 5_000);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);

function file(prefix: string, nameSuffix: string): object[] {
  const random = seededRandom(3);
  const grades = ['A', 'B', 'C', 'D'];
  return Array.from({ length: ROWS }, (_, index) => ({
    externalId: `${prefix}-${index}`,
    name: `Shop ${index}${nameSuffix}`,
    grade: grades[index % 4],
    location: { lat: 52 + random(), lng: 13 + random() },
    address: `Street ${index}, Berlin`,
    contacts: [{ name: `Contact ${index}`, phone: '+49 30 1234567' }],
    tags: index % 3 === 0 ? ['pharmacy'] : [],
    creditLimit: 1_000 + index,
  }));
}

async function main(): Promise<void> {
  const database = await createBenchDatabase('import');
  const bench = await startBenchApp(database);
  try {
    const token = await bench.jwks.sign({ tid: randomUUID(), roles: ['admin'], org: 'bench' });
    const post = async (rows: object[]) => {
      const response = await bench.app.inject({ method: 'POST', url: '/api/v1/customers/import', headers: { authorization: `Bearer ${token}` }, payload: { rows } });
      if (response.statusCode !== 200) throw new Error(`import answered ${response.statusCode}: ${response.body.slice(0, 500)}`);
      return response.json<{ summary: Record<string, number> }>().summary;
    };
    const rate = (ms: number) => `${((ROWS / ms) * 1000).toFixed(0)} rows/s (${(ms / 1000).toFixed(2)} s)`;
    process.stdout.write(`\nimport of ${ROWS} rows, ${ROUNDS} rounds each\n`);
    for (let round = 1; round <= ROUNDS; round += 1) {
      const prefix = `R${round}-${randomUUID().slice(0, 8)}`;
      const created = await timed(async () => expectAll(await post(file(prefix, '')), 'created'));
      const unchanged = await timed(async () => expectAll(await post(file(prefix, '')), 'unchanged'));
      const updated = await timed(async () => expectAll(await post(file(prefix, ' (renamed)')), 'updated'));
      process.stdout.write(`  round ${round}: create ${rate(created)} | re-import ${rate(unchanged)} | update ${rate(updated)}\n`);
    }
  } finally {
    await bench.close();
    await database.drop();
  }
}

function expectAll(summary: Record<string, number>, outcome: string): void {
  if (summary[outcome] !== ROWS) throw new Error(`expected ${ROWS} ${outcome}, got ${JSON.stringify(summary)}`);
}

void main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = 1;
});
