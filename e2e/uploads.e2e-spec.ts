import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type ServiceProcess, freePort, startServiceProcess, testDatabaseUrl, testJwks, testKafka, testRedis } from '@fieldforce/testing';

const TUS = { 'tus-resumable': '1.0.0' };
const OCTETS = 'application/offset+octet-stream';
// The gateway's JSON limit here; the upload below is eight times larger and still streams through.
const JSON_LIMIT = 256 * 1024;

// A tus upload as a device makes it: through the gateway's public port only, to the sync service behind it.
describe('resumable uploads through the gateway', () => {
  let sync: ServiceProcess;
  let gateway: ServiceProcess;
  let directory: string;

  beforeAll(async () => {
    directory = mkdtempSync(path.join(tmpdir(), 'e2e-uploads-'));
    const kafka = testKafka();
    const jwks = await testJwks();
    sync = await startServiceProcess('sync', {
      ...jwks.env(),
      KAFKA_BROKERS: kafka.brokers.join(','),
      KAFKA_TOPIC_PREFIX: kafka.topicPrefix,
      DATABASE_URL: testDatabaseUrl('sync'),
      SYNC_UPLOAD_DIR: directory,
    }, { readyPath: '/health/live' });
    const nowhere = `http://127.0.0.1:${await freePort()}`;
    const redis = testRedis();
    gateway = await startServiceProcess('gateway', {
      ...jwks.env(),
      REDIS_URL: redis.url,
      REDIS_KEY_PREFIX: `${redis.keyPrefix}e2e-uploads:`,
      GATEWAY_JSON_BODY_LIMIT_BYTES: String(JSON_LIMIT),
      UPSTREAM_SYNC_URL: sync.url,
      UPSTREAM_PERMISSIONS_URL: nowhere,
      UPSTREAM_CUSTOMERS_URL: nowhere,
      UPSTREAM_VISITS_URL: nowhere,
      UPSTREAM_CHECKINS_URL: nowhere,
    }, { readyPath: '/health/live' });
  }, 120_000);

  afterAll(async () => {
    await gateway?.stop();
    await sync?.stop();
    if (directory) rmSync(directory, { recursive: true, force: true });
  });

  it('creates, resumes and downloads an upload with the tus headers intact and the public Location', async () => {
    const token = await (await testJwks()).sign({ tid: randomUUID(), roles: ['rep'], org: 'emea.north' });
    const auth = { authorization: `Bearer ${token}` };
    const file = randomBytes(8 * JSON_LIMIT);
    const firstPart = file.subarray(0, 1000);
    const sha256 = createHash('sha256').update(file).digest('hex');
    const meta = `clientUploadId ${Buffer.from(randomUUID()).toString('base64')},sha256 ${Buffer.from(sha256).toString('base64')}`;

    // The gateway admits tokens only, OPTIONS included.
    const options = await fetch(`${gateway.url}/api/v1/uploads`, { method: 'OPTIONS', headers: auth });
    expect(options.headers.get('tus-extension')).toContain('checksum');

    const created = await fetch(`${gateway.url}/api/v1/uploads`, {
      method: 'POST',
      headers: { ...TUS, ...auth, 'upload-length': String(file.length), 'upload-metadata': meta, 'content-type': OCTETS },
      body: firstPart,
    });
    expect(created.status).toBe(201);
    const location = created.headers.get('location') ?? '';
    expect(location).toMatch(/^\/api\/v1\/uploads\/[0-9a-f-]{36}$/);
    expect(created.headers.get('upload-offset')).toBe('1000');
    expect(created.headers.get('tus-resumable')).toBe('1.0.0');
    expect(created.headers.get('upload-expires')).not.toBeNull();

    const head = await fetch(gateway.url + location, { method: 'HEAD', headers: { ...TUS, ...auth } });
    expect(head.status).toBe(200);
    expect(head.headers.get('upload-offset')).toBe('1000');
    expect(head.headers.get('upload-length')).toBe(String(file.length));
    expect(head.headers.get('tus-resumable')).toBe('1.0.0');

    const rest = file.subarray(1000);
    const patched = await fetch(gateway.url + location, {
      method: 'PATCH',
      headers: {
        ...TUS,
        ...auth,
        'content-type': OCTETS,
        'upload-offset': '1000',
        'upload-checksum': `sha1 ${createHash('sha1').update(rest).digest('base64')}`,
      },
      body: rest,
    });
    expect(patched.status).toBe(204);
    expect(patched.headers.get('upload-offset')).toBe(String(file.length));

    const content = await fetch(`${gateway.url}${location}/content`, { headers: auth });
    expect(content.status).toBe(200);
    expect(Buffer.from(await content.arrayBuffer()).equals(file)).toBe(true);

    // The internal verification read is for services only: the gateway does not route it.
    const id = location.split('/').pop() ?? '';
    expect((await fetch(`${gateway.url}/internal/v1/uploads/${id}`, { headers: auth })).status).toBe(404);
    const internal = await fetch(`${sync.url}/internal/v1/uploads/${id}`, { headers: auth });
    expect(await internal.json()).toMatchObject({ id, sha256, size: file.length, status: 'complete' });
  });

  it('answers a request without a token at the gateway, before sync sees it', async () => {
    const response = await fetch(`${gateway.url}/api/v1/uploads`, { method: 'POST', headers: { ...TUS, 'upload-length': '10' } });
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
  });
});
