import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { type TestTokenClaims } from '@fieldforce/testing';
import { distanceMeters } from '../src/modules/geo/geo';
import { SpatialSupport } from '../src/modules/geo/spatial-support';
import { CustomersRepository } from '../src/modules/customers/customers.repository';
import { type CustomerRow, insertCustomers } from './factories/customer.factory';
import { type CustomersTestApp, startCustomersTestApp } from './support/customers-test-app';

interface ListedItem {
  id: string;
  name: string;
  grade: string;
  ownerId: string;
  location: { lat: number; lng: number } | null;
  creditLimit?: number | null;
  distanceM?: number;
}
interface Page {
  items: ListedItem[];
  nextCursor: string | null;
}

// A deterministic pseudo-random sequence, so a failing layout can be reproduced.
function seededRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

describe(`${CustomersRepository.name} lists`, () => {
  let service: CustomersTestApp;
  let plainService: CustomersTestApp;
  let dataSource: DataSource;
  const tenantId = randomUUID();
  const berlin = { lat: 52.52, lng: 13.405 };

  const userClaims = {
    repNorth: { roles: ['rep'], org: 'emea.north' },
    repSouth: { roles: ['rep'], org: 'emea.south' },
    supervisorNorth: { roles: ['supervisor'], org: 'emea.north' },
    admin: { roles: ['admin'], org: 'hq' },
  } satisfies Record<string, TestTokenClaims>;
  const ids = Object.fromEntries(Object.keys(userClaims).map((name) => [name, randomUUID()])) as Record<keyof typeof userClaims, string>;
  const tokens = {} as Record<keyof typeof userClaims, string>;
  const rows: (CustomerRow & { id: string })[] = [];

  beforeAll(async () => {
    service = await startCustomersTestApp();
    plainService = await startCustomersTestApp({ env: { SPATIAL_BACKEND: 'plain' }, jwks: service.jwks });
    dataSource = service.app.get(DataSource);
    for (const [name, claims] of Object.entries(userClaims)) {
      const user = name as keyof typeof userClaims;
      tokens[user] = await service.jwks.sign({ ...claims, sub: ids[user], tid: tenantId });
    }
    // 300 customers scattered over ~40 km around Berlin, owned by the two reps.
    const random = seededRandom(42);
    const grades = ['A', 'B', 'C', 'D'];
    for (let index = 0; index < 300; index += 1) {
      const north = index % 3 !== 0;
      rows.push({
        id: randomUUID(),
        tenantId,
        name: index === 7 ? 'Apotheke 100% Nord' : `Shop ${index}`,
        address: index % 10 === 0 ? `Invalidenstraße ${index}, Berlin` : `Street ${index}`,
        grade: grades[index % 4],
        lat: berlin.lat + (random() - 0.5) * 0.4,
        lng: berlin.lng + (random() - 0.5) * 0.6,
        tags: index % 5 === 0 ? ['pharmacy', 'key-account'] : index % 5 === 1 ? ['pharmacy'] : [],
        ownerId: north ? ids.repNorth : ids.repSouth,
        orgPath: north ? 'emea.north' : 'emea.south',
        creditLimit: 1000 + index,
      });
    }
    await insertCustomers(dataSource, rows);
  });

  afterAll(async () => {
    await plainService?.close();
    await service?.close();
  });

  async function list(token: string, query: Record<string, string | string[]>, app = service): Promise<Page> {
    const response = await app.app.inject({ method: 'GET', url: '/api/v1/customers', query, headers: { authorization: `Bearer ${token}` } });
    expect(response.statusCode).toBe(200);
    return response.json();
  }

  async function listAll(token: string, query: Record<string, string | string[]>, app = service): Promise<ListedItem[]> {
    const items: ListedItem[] = [];
    let cursor: string | null = null;
    do {
      const page: Page = await list(token, { ...query, ...(cursor ? { cursor } : {}) }, app);
      items.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return items;
  }

  const rawList = (token: string, query: Record<string, string>) =>
    service.app.inject({ method: 'GET', url: '/api/v1/customers', query, headers: { authorization: `Bearer ${token}` } });

  const idsOf = (items: { id: string }[]) => items.map((item) => item.id);
  const sorted = (values: string[]) => [...values].sort();

  it('pages through every customer of the tenant by id, each exactly once', async () => {
    const items = await listAll(tokens.admin, { limit: '17' });

    expect(idsOf(items)).toEqual(sorted(rows.map((row) => row.id)));
  });

  it('neither skips nor repeats a customer when others are written between two pages', async () => {
    const first = await list(tokens.admin, { limit: '100' });
    const added = await insertCustomers(dataSource, [{ tenantId, name: 'Added meanwhile', ownerId: ids.admin, orgPath: 'hq' }]);
    await dataSource.query(`UPDATE customers.customers SET name = name || ' (edited)', version = version + 1, updated_at = now() WHERE id = ANY($1)`, [
      rows.slice(0, 50).map((row) => row.id),
    ]);
    let rest: ListedItem[] = [];
    let cursor = first.nextCursor;
    while (cursor) {
      const page = await list(tokens.admin, { limit: '100', cursor });
      rest = [...rest, ...page.items];
      cursor = page.nextCursor;
    }
    const seen = [...idsOf(first.items), ...idsOf(rest)];

    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(expect.arrayContaining(rows.map((row) => row.id)));
    await dataSource.query('DELETE FROM customers.customers WHERE id = ANY($1)', [added]);
  });

  it("lists only the caller's data scope, and another tenant's admin nothing", async () => {
    const outsider = await service.jwks.sign({ roles: ['admin'], tid: randomUUID() });
    const ofNorth = rows.filter((row) => row.orgPath === 'emea.north').map((row) => row.id);

    expect(sorted(idsOf(await listAll(tokens.repNorth, { limit: '200' })))).toEqual(sorted(ofNorth));
    expect(sorted(idsOf(await listAll(tokens.supervisorNorth, { limit: '200' })))).toEqual(sorted(ofNorth));
    expect(await list(outsider, {})).toEqual({ items: [], nextCursor: null });
  });

  it('masks the credit limit for a rep on every list path, and shows it to a supervisor', async () => {
    const plain = await list(tokens.repNorth, { limit: '5' });
    const near = await list(tokens.repNorth, { near: `${berlin.lat},${berlin.lng}`, radiusM: '50000', limit: '5' });
    const supervisor = await list(tokens.supervisorNorth, { limit: '5' });

    for (const item of [...plain.items, ...near.items]) expect(item).not.toHaveProperty('creditLimit');
    expect(supervisor.items.every((item) => typeof item.creditLimit === 'number')).toBe(true);
  });

  it('filters by grades, owner, every tag, text in name or address, and changes since an instant', async () => {
    const byFilter = async (query: Record<string, string | string[]>) => sorted(idsOf(await listAll(tokens.admin, { limit: '200', ...query })));
    const expected = (keep: (row: CustomerRow) => boolean) => sorted(rows.filter(keep).map((row) => row.id));

    expect(await byFilter({ grade: ['A', 'B'] })).toEqual(expected((row) => row.grade === 'A' || row.grade === 'B'));
    expect(await byFilter({ ownerId: ids.repSouth, grade: 'D' })).toEqual(expected((row) => row.ownerId === ids.repSouth && row.grade === 'D'));
    expect(await byFilter({ tag: ['pharmacy', 'key-account'] })).toEqual(expected((row) => row.tags?.includes('key-account') === true));
    expect(await byFilter({ tag: 'pharmacy' })).toEqual(expected((row) => row.tags?.includes('pharmacy') === true));
    expect(await byFilter({ q: 'INVALIDENSTR' })).toEqual(expected((row) => row.address?.startsWith('Invalidenstraße') === true));
    // `%` is a character to find, not a wildcard.
    expect(await byFilter({ q: '100%' })).toEqual(expected((row) => row.name === 'Apotheke 100% Nord'));

    const since = new Date();
    await new Promise((resolve) => setTimeout(resolve, 5));
    const touched = rows.slice(100, 103).map((row) => row.id);
    await dataSource.query('UPDATE customers.customers SET updated_at = now(), version = version + 1 WHERE id = ANY($1)', [touched]);
    expect(await byFilter({ updatedSince: since.toISOString() })).toEqual(sorted(touched));
  });

  describe('near', () => {
    const inRadius = (center: { lat: number; lng: number }, radiusM: number, keep: (row: CustomerRow) => boolean = () => true) =>
      rows
        .filter(keep)
        .map((row) => ({ id: row.id, distanceM: distanceMeters(center, { lat: row.lat!, lng: row.lng! }) }))
        .filter((row) => row.distanceM <= radiusM)
        .sort((a, b) => a.distanceM - b.distanceM);

    it('uses PostGIS by default where the database has it, and the plain fallback when told to', async () => {
      const [postgis] = await dataSource.query<unknown[]>(`SELECT 1 FROM pg_extension WHERE extname = 'postgis'`);
      expect(service.app.get(SpatialSupport).backend).toBe(postgis ? 'postgis' : 'plain');
      expect(plainService.app.get(SpatialSupport).backend).toBe('plain');
    });

    // Both backends are exercised only where PostGIS is installed (db:setup installs it when available).
    it.each([
      ['the default backend', () => service],
      ['the plain fallback', () => plainService],
    ])('answers the customers within the radius nearest first, over pages, with their distance (%s)', async (_backend, app) => {
      const center = { lat: 52.55, lng: 13.38 };
      const items = await listAll(tokens.admin, { near: `${center.lat},${center.lng}`, radiusM: '8000', limit: '7' }, app());
      const expected = inRadius(center, 8000);

      expect(expected.length).toBeGreaterThan(20);
      expect(idsOf(items)).toEqual(idsOf(expected));
      items.forEach((item, index) => expect(item.distanceM).toBeCloseTo(expected[index]!.distanceM, 3));
    });

    it('gives the same answers with the default backend and the plain fallback, scope included', async () => {
      for (const [token, center, radiusM] of [
        [tokens.admin, berlin, 15_000],
        [tokens.repSouth, { lat: 52.45, lng: 13.3 }, 12_000],
        [tokens.supervisorNorth, { lat: 52.6, lng: 13.5 }, 20_000],
      ] as const) {
        const query = { near: `${center.lat},${center.lng}`, radiusM: String(radiusM), limit: '50' };
        const [withPostgis, plain] = await Promise.all([listAll(token, query, service), listAll(token, query, plainService)]);
        expect(idsOf(plain)).toEqual(idsOf(withPostgis));
        expect(plain.map((item) => item.distanceM!.toFixed(3))).toEqual(withPostgis.map((item) => item.distanceM!.toFixed(3)));
      }
      const repSouth = await listAll(tokens.repSouth, { near: `${berlin.lat},${berlin.lng}`, radiusM: '50000' }, plainService);
      expect(sorted(idsOf(repSouth))).toEqual(sorted(idsOf(inRadius(berlin, 50_000, (row) => row.ownerId === ids.repSouth))));
    });

    it('finds customers across the antimeridian and near a pole on both backends', async () => {
      const remote = randomUUID();
      const token = await service.jwks.sign({ roles: ['admin'], tid: remote });
      const [west, east, polar, far] = await insertCustomers(dataSource, [
        { tenantId: remote, name: 'Fiji east', lat: -17.0, lng: 179.99 },
        { tenantId: remote, name: 'Fiji west', lat: -17.0, lng: -179.99 },
        { tenantId: remote, name: 'Station', lat: 89.99, lng: 45 },
        { tenantId: remote, name: 'Elsewhere', lat: -17.0, lng: 170 },
      ]);
      for (const app of [service, plainService]) {
        const dateLine = await listAll(token, { near: '-17,180', radiusM: '5000' }, app);
        const pole = await listAll(token, { near: '89.995,-135', radiusM: '5000' }, app);
        expect(sorted(idsOf(dateLine))).toEqual(sorted([west!, east!]));
        expect(idsOf(pole)).toEqual([polar]);
        expect(idsOf(dateLine)).not.toContain(far);
      }
    });

    it('refuses an impossible point with 422, and a malformed or incomplete search with 400', async () => {
      const answers = await Promise.all([
        rawList(tokens.admin, { near: '91,13', radiusM: '1000' }),
        rawList(tokens.admin, { near: 'NaN,13', radiusM: '1000' }),
        rawList(tokens.admin, { near: '52.5', radiusM: '1000' }),
        rawList(tokens.admin, { near: '52.5,13.4' }),
        rawList(tokens.admin, { near: '52.5,13.4', radiusM: '9000000' }),
      ]);

      expect(answers.map((answer) => answer.statusCode)).toEqual([422, 422, 400, 400, 400]);
      expect(answers[0].json()).toMatchObject({ code: 'GEO_INVALID_LOCATION', errors: [{ field: 'near.lat' }] });
    });
  });

  it('answers pages of up to 200, refuses a larger limit with 400, and refuses a cursor of another list', async () => {
    const page = await list(tokens.admin, { limit: '200' });
    const tooLarge = await rawList(tokens.admin, { limit: '201' });
    const otherFilters = await rawList(tokens.admin, { grade: 'A', cursor: page.nextCursor! });

    expect(page.items).toHaveLength(200);
    expect(tooLarge.statusCode).toBe(400);
    expect(tooLarge.json()).toMatchObject({ errors: [{ field: 'limit' }] });
    expect(otherFilters.statusCode).toBe(400);
    expect(otherFilters.json()).toMatchObject({ errors: [{ field: 'cursor' }] });
    expect((await rawList(tokens.admin, { cursor: 'garbage' })).statusCode).toBe(400);
  });
});
