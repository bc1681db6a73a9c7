import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { UploadCleanup } from '../src/modules/uploads/upload-cleanup';
import { UploadsService } from '../src/modules/uploads/uploads.service';
import { startSyncTestApp, type SyncTestApp } from './support/sync-test-app';

const TUS = { 'tus-resumable': '1.0.0' };
const OCTETS = 'application/offset+octet-stream';
const CHUNK = 64 * 1024;
// The JSON body limit of these apps: the largest upload below is 16 times larger.
const JSON_BODY_LIMIT = 64 * 1024;

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');
const sha1Base64 = (bytes: Buffer): string => createHash('sha1').update(bytes).digest('base64');

function metadata(pairs: Record<string, string>): string {
  return Object.entries(pairs)
    .map(([key, value]) => `${key} ${Buffer.from(value).toString('base64')}`)
    .join(',');
}

interface Running {
  service: SyncTestApp;
  url: string;
  directory: string;
}

async function listening(env: Record<string, string>): Promise<Running> {
  const directory = mkdtempSync(path.join(tmpdir(), 'sync-uploads-'));
  const service = await startSyncTestApp({ SYNC_UPLOAD_DIR: directory, HTTP_BODY_LIMIT_BYTES: String(JSON_BODY_LIMIT), ...env });
  await service.app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = service.app.getHttpServer().address() as AddressInfo;
  return { service, url: `http://127.0.0.1:${port}`, directory };
}

describe(UploadsService.name, () => {
  let main: Running;
  let shortLived: Running;

  beforeAll(async () => {
    main = await listening({});
    // Uploads of this one expire a second after creation.
    shortLived = await listening({ SYNC_UPLOAD_EXPIRY_SECONDS: '1', SYNC_UPLOAD_CLEANUP_INTERVAL_MS: '3600000' });
  });

  afterAll(async () => {
    await main?.service.close();
    await shortLived?.service.close();
    for (const running of [main, shortLived]) if (running) rmSync(running.directory, { recursive: true, force: true });
  });

  /** A tenant with a north and a south team: a rep in each, a supervisor of each, an admin. */
  async function tenant(running: Running = main) {
    const tenantId = randomUUID();
    const sign = (roles: string[], org: string, sub = randomUUID()) => running.service.jwks.sign({ tid: tenantId, sub, roles, org });
    return {
      tenantId,
      repNorth: await sign(['rep'], 'emea.north'),
      repSouth: await sign(['rep'], 'emea.south'),
      supervisorNorth: await sign(['supervisor'], 'emea.north'),
      supervisorSouth: await sign(['supervisor'], 'emea.south'),
      admin: await sign(['admin'], 'emea'),
    };
  }

  const auth = (token: string) => ({ authorization: `Bearer ${token}` });

  async function create(
    token: string,
    file: Buffer,
    options: { clientUploadId?: string; body?: Buffer; sha?: string; extra?: Record<string, string>; headers?: Record<string, string>; running?: Running } = {},
  ): Promise<Response> {
    const running = options.running ?? main;
    const body = options.body;
    return fetch(`${running.url}/api/v1/uploads`, {
      method: 'POST',
      headers: {
        ...TUS,
        ...auth(token),
        'upload-length': String(file.length),
        'upload-metadata': metadata({
          clientUploadId: options.clientUploadId ?? randomUUID(),
          sha256: options.sha ?? sha256(file),
          contentType: 'image/jpeg',
          filename: 'photo.jpg',
          entity: 'check-in',
          ...options.extra,
        }),
        ...(body === undefined ? {} : { 'content-type': OCTETS }),
        ...options.headers,
      },
      body,
    });
  }

  async function head(token: string, location: string, running: Running = main): Promise<Response> {
    return fetch(running.url + location, { method: 'HEAD', headers: { ...TUS, ...auth(token) } });
  }

  async function patch(token: string, location: string, offset: number, chunk: Buffer, headers: Record<string, string> = {}, running: Running = main): Promise<Response> {
    return fetch(running.url + location, {
      method: 'PATCH',
      headers: { ...TUS, ...auth(token), 'content-type': OCTETS, 'upload-offset': String(offset), ...headers },
      body: chunk,
    });
  }

  async function offsetOf(token: string, location: string): Promise<number> {
    const response = await head(token, location);
    expect(response.status).toBe(200);
    return Number(response.headers.get('upload-offset'));
  }

  /** Sends the rest of `file` from the offset HEAD reports, in chunks; returns the last response. */
  async function resume(token: string, location: string, file: Buffer): Promise<Response> {
    let offset = await offsetOf(token, location);
    let last: Response | undefined;
    while (offset < file.length) {
      const chunk = file.subarray(offset, offset + CHUNK);
      last = await patch(token, location, offset, chunk, { 'upload-checksum': `sha1 ${sha1Base64(chunk)}` });
      expect(last.status).toBe(204);
      offset = Number(last.headers.get('upload-offset'));
    }
    if (!last) throw new Error('nothing left to send');
    return last;
  }

  async function verification(token: string, id: string): Promise<Record<string, unknown>> {
    const response = await fetch(`${main.url}/internal/v1/uploads/${id}`, { headers: auth(token) });
    expect(response.status).toBe(200);
    return (await response.json()) as Record<string, unknown>;
  }

  async function download(token: string, location: string): Promise<Response> {
    return fetch(`${main.url}${location}/content`, { headers: auth(token) });
  }

  const idOf = (location: string): string => location.split('/').pop() ?? '';

  it('advertises tus 1.0 with its extensions and checksum algorithms', async () => {
    const response = await fetch(`${main.url}/api/v1/uploads`, { method: 'OPTIONS' });
    expect(response.status).toBe(204);
    expect(response.headers.get('tus-version')).toBe('1.0.0');
    expect(response.headers.get('tus-extension')?.split(',')).toEqual(
      expect.arrayContaining(['creation', 'creation-with-upload', 'expiration', 'checksum', 'termination']),
    );
    expect(response.headers.get('tus-checksum-algorithm')?.split(',')).toContain('sha1');
  });

  it('takes a whole file in one creation-with-upload request and serves it back to the uploader', async () => {
    const t = await tenant();
    const file = randomBytes(10_000);
    const created = await create(t.repNorth, file, { body: file });
    expect(created.status).toBe(201);
    const location = created.headers.get('location') ?? '';
    expect(location).toMatch(/^\/api\/v1\/uploads\/[0-9a-f-]{36}$/);
    expect(created.headers.get('upload-offset')).toBe(String(file.length));
    expect(created.headers.get('tus-resumable')).toBe('1.0.0');

    expect(await verification(t.repNorth, idOf(location))).toMatchObject({
      id: idOf(location),
      sha256: sha256(file),
      size: file.length,
      status: 'complete',
      contentType: 'image/jpeg',
    });
    const content = await download(t.repNorth, location);
    expect(content.status).toBe(200);
    expect(content.headers.get('content-type')).toBe('image/jpeg');
    expect(content.headers.get('etag')).toBe(`"${sha256(file)}"`);
    expect(Buffer.from(await content.arrayBuffer()).equals(file)).toBe(true);
  });

  it.each([
    ['at byte 0', 0],
    ['one byte before a chunk boundary', CHUNK - 1],
    ['at a chunk boundary', CHUNK],
    ['one byte after a chunk boundary', CHUNK + 1],
    ['before the last byte', 3 * CHUNK + 500 - 1],
  ])('resumes an upload cut %s from the offset HEAD reports and completes it with the matching hash', async (_label, cut) => {
    const t = await tenant();
    const file = randomBytes(3 * CHUNK + 500);
    const created = await create(t.repNorth, file, cut === 0 ? {} : { body: file.subarray(0, cut) });
    expect(created.status).toBe(201);
    const location = created.headers.get('location') ?? '';
    expect(await offsetOf(t.repNorth, location)).toBe(cut);
    expect(created.headers.get('upload-expires')).not.toBeNull();

    const last = await resume(t.repNorth, location, file);
    expect(last.headers.get('upload-offset')).toBe(String(file.length));
    expect(await verification(t.repNorth, idOf(location))).toMatchObject({ status: 'complete', sha256: sha256(file) });
    expect(Buffer.from(await (await download(t.repNorth, location)).arrayBuffer()).equals(file)).toBe(true);
  });

  it('keeps what arrived before a connection dropped mid-chunk and resumes from there', async () => {
    const t = await tenant();
    const file = randomBytes(4 * CHUNK);
    const location = (await create(t.repNorth, file)).headers.get('location') ?? '';
    const sent = 2 * CHUNK + 123;
    // The body announces the whole file, but the connection is cut after `sent` bytes.
    await new Promise<void>((resolve) => {
      const request = http.request(main.url + location, {
        method: 'PATCH',
        headers: { ...TUS, ...auth(t.repNorth), 'content-type': OCTETS, 'upload-offset': '0', 'content-length': String(file.length) },
      });
      request.on('error', () => resolve());
      request.on('response', () => resolve());
      request.write(file.subarray(0, sent), () => setTimeout(() => request.destroy(), 200));
    });
    let offset = -1;
    for (let attempt = 0; attempt < 50; attempt += 1) {
      offset = await offsetOf(t.repNorth, location);
      if (offset === sent) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(offset).toBeLessThanOrEqual(sent);
    // The sync status lists it with its offset, so the app knows to resume it.
    const status = await fetch(`${main.url}/api/v1/sync/status`, { headers: auth(t.repNorth) });
    expect(((await status.json()) as { uploads: unknown[] }).uploads).toEqual([expect.objectContaining({ id: idOf(location), offset, size: file.length })]);
    await resume(t.repNorth, location, file);
    expect(await verification(t.repNorth, idOf(location))).toMatchObject({ status: 'complete', sha256: sha256(file) });
  });

  it('rejects a file whose bytes do not have the declared sha256: corrupt, never downloadable', async () => {
    const t = await tenant();
    const file = randomBytes(2 * CHUNK);
    const location = (await create(t.repNorth, file, { sha: sha256(randomBytes(8)) })).headers.get('location') ?? '';
    expect((await patch(t.repNorth, location, 0, file.subarray(0, CHUNK))).status).toBe(204);

    const last = await patch(t.repNorth, location, CHUNK, file.subarray(CHUNK));
    expect(last.status).toBe(422);
    expect(last.headers.get('content-type')).toContain('application/problem+json');
    expect(await last.json()).toMatchObject({ status: 422, code: 'UPLOAD_CONTENT_HASH_MISMATCH' });

    expect(await verification(t.repNorth, idOf(location))).toMatchObject({ status: 'corrupt' });
    expect((await head(t.repNorth, location)).status).toBe(422);
    expect((await download(t.repNorth, location)).status).toBe(404);
    expect((await download(t.admin, location)).status).toBe(404);
  });

  it('refuses a corrupt chunk with 460 and leaves the offset where it was', async () => {
    const t = await tenant();
    const file = randomBytes(2 * CHUNK);
    const location = (await create(t.repNorth, file, { body: file.subarray(0, CHUNK) })).headers.get('location') ?? '';
    const chunk = file.subarray(CHUNK);
    const damaged = Buffer.from(chunk);
    damaged[100] = (damaged[100] ?? 0) ^ 0xff;

    const refused = await patch(t.repNorth, location, CHUNK, damaged, { 'upload-checksum': `sha1 ${sha1Base64(chunk)}` });
    expect(refused.status).toBe(460);
    expect(await refused.json()).toMatchObject({ status: 460, code: 'UPLOAD_CHUNK_CHECKSUM_MISMATCH' });
    expect(await offsetOf(t.repNorth, location)).toBe(CHUNK);

    const badHeader = await patch(t.repNorth, location, CHUNK, chunk, { 'upload-checksum': `md5 ${sha1Base64(chunk)}` });
    expect(badHeader.status).toBe(400);
    expect(await offsetOf(t.repNorth, location)).toBe(CHUNK);

    const accepted = await patch(t.repNorth, location, CHUNK, chunk, { 'upload-checksum': `sha1 ${sha1Base64(chunk)}` });
    expect(accepted.status).toBe(204);
    expect(await verification(t.repNorth, idOf(location))).toMatchObject({ status: 'complete' });
  });

  it('answers a repeated creation with the same upload and where it stands, sequentially and concurrently', async () => {
    const t = await tenant();
    const file = randomBytes(3 * CHUNK);
    const clientUploadId = `photo-${randomUUID()}`;
    const first = await create(t.repNorth, file, { clientUploadId, body: file.subarray(0, CHUNK) });
    const location = first.headers.get('location');

    // The app lost the answer and repeats the creation, body and all.
    const again = await create(t.repNorth, file, { clientUploadId, body: file.subarray(0, CHUNK) });
    expect(again.status).toBe(201);
    expect(again.headers.get('location')).toBe(location);
    expect(again.headers.get('upload-offset')).toBe(String(CHUNK));
    expect(await offsetOf(t.repNorth, location ?? '')).toBe(CHUNK);

    const otherFile = await create(t.repNorth, randomBytes(3 * CHUNK), { clientUploadId });
    expect(otherFile.status).toBe(422);
    expect(await otherFile.json()).toMatchObject({ code: 'UPLOAD_CLIENT_ID_REUSED' });

    // Another user's same client upload id is their own upload.
    const theirs = await create(t.repSouth, file, { clientUploadId });
    expect(theirs.headers.get('location')).not.toBe(location);

    const concurrentId = `photo-${randomUUID()}`;
    const concurrent = await Promise.all(Array.from({ length: 5 }, () => create(t.repNorth, file, { clientUploadId: concurrentId })));
    expect(concurrent.map((response) => response.status)).toEqual([201, 201, 201, 201, 201]);
    expect(new Set(concurrent.map((response) => response.headers.get('location'))).size).toBe(1);

    const open = await main.service.app.get(UploadsService).openUploads(t.tenantId, await userOf(t.repNorth));
    expect(open.map((upload) => upload.clientUploadId).sort()).toEqual([clientUploadId, concurrentId].sort());
    expect(open.find((upload) => upload.clientUploadId === clientUploadId)).toMatchObject({ id: idOf(location ?? ''), offset: CHUNK, size: file.length });
  });

  async function userOf(token: string): Promise<string> {
    const [, payload] = token.split('.');
    return (JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()) as { sub: string }).sub;
  }

  it('refuses with 413 an upload above the tenant limit, and a body past the declared length', async () => {
    const t = await tenant();
    const set = await fetch(`${main.url}/api/v1/uploads/settings`, {
      method: 'PUT',
      headers: { ...auth(t.admin), 'content-type': 'application/json' },
      body: JSON.stringify({ maxUploadBytes: 1_000 }),
    });
    expect(set.status).toBe(200);
    expect(await set.json()).toEqual({ maxUploadBytes: 1_000, isDefault: false });
    expect((await fetch(`${main.url}/api/v1/uploads/settings`, { method: 'PUT', headers: { ...auth(t.repNorth), 'content-type': 'application/json' }, body: '{"maxUploadBytes":5}' })).status).toBe(403);

    const tooLarge = await create(t.repNorth, randomBytes(1_001));
    expect(tooLarge.status).toBe(413);
    expect(await tooLarge.json()).toMatchObject({ code: 'UPLOAD_TOO_LARGE', details: { limitBytes: 1_000 } });
    const atLimit = await create(t.repNorth, randomBytes(1_000));
    expect(atLimit.status).toBe(201);

    // Another tenant keeps the default.
    const other = await tenant();
    expect((await create(other.repNorth, randomBytes(1_001))).status).toBe(201);

    const file = randomBytes(500);
    const location = (await create(t.repNorth, file)).headers.get('location') ?? '';
    const past = await patch(t.repNorth, location, 0, randomBytes(600));
    expect(past.status).toBe(413);
    expect(await offsetOf(t.repNorth, location)).toBe(0);

    // A chunked body (no Content-Length) running past the length: refused once it does; the
    // bytes up to the length were stored, are checked, and (not the file's) make it corrupt.
    const overshoot = randomBytes(600);
    const chunked = await fetch(main.url + location, {
      method: 'PATCH',
      headers: { ...TUS, ...auth(t.repNorth), 'content-type': OCTETS, 'upload-offset': '0' },
      // The whole length first, the excess a moment later, so they reach the server apart.
      body: new ReadableStream({
        async start(controller) {
          controller.enqueue(overshoot.subarray(0, 500));
          await new Promise((resolve) => setTimeout(resolve, 300));
          controller.enqueue(overshoot.subarray(500));
          controller.close();
        },
      }),
      duplex: 'half',
    });
    expect(chunked.status).toBe(413);
    expect(await chunked.json()).toMatchObject({ code: 'UPLOAD_TOO_LARGE' });
    expect((await head(t.repNorth, location)).status).toBe(422);
    expect(await verification(t.repNorth, idOf(location))).toMatchObject({ status: 'corrupt' });
  });

  it('answers 410 once an incomplete upload expired, and the sweep removes its bytes', async () => {
    const t = await tenant(shortLived);
    const file = randomBytes(2 * CHUNK);
    const clientUploadId = `photo-${randomUUID()}`;
    const created = await create(t.repNorth, file, { clientUploadId, body: file.subarray(0, CHUNK), running: shortLived });
    const location = created.headers.get('location') ?? '';
    const stored = path.join(shortLived.directory, idOf(location));
    expect(existsSync(stored)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 1_200));

    expect((await head(t.repNorth, location, shortLived)).status).toBe(410);
    const late = await patch(t.repNorth, location, CHUNK, file.subarray(CHUNK), {}, shortLived);
    expect(late.status).toBe(410);
    expect(await late.json()).toMatchObject({ code: 'UPLOAD_EXPIRED' });

    expect(await shortLived.service.app.get(UploadCleanup).run()).toBeGreaterThanOrEqual(1);
    expect(existsSync(stored)).toBe(false);
    const response = await fetch(`${shortLived.url}/internal/v1/uploads/${idOf(location)}`, { headers: auth(t.repNorth) });
    expect(await response.json()).toMatchObject({ status: 'expired' });
    // A repeated creation of the expired upload is told so, and nothing is left open.
    const repeated = await create(t.repNorth, file, { clientUploadId, running: shortLived });
    expect(repeated.status).toBe(410);
    expect(await repeated.json()).toMatchObject({ code: 'UPLOAD_EXPIRED' });
    expect(await shortLived.service.app.get(UploadsService).openUploads(t.tenantId, await userOf(t.repNorth))).toEqual([]);
  });

  it('terminates an upload in progress (DELETE), after which its client upload id starts afresh; a complete one is kept', async () => {
    const t = await tenant();
    const file = randomBytes(2 * CHUNK);
    const clientUploadId = `photo-${randomUUID()}`;
    const location = (await create(t.repNorth, file, { clientUploadId, body: file.subarray(0, CHUNK) })).headers.get('location') ?? '';

    expect((await fetch(main.url + location, { method: 'DELETE', headers: { ...TUS, ...auth(t.repSouth) } })).status).toBe(404);
    const deleted = await fetch(main.url + location, { method: 'DELETE', headers: { ...TUS, ...auth(t.repNorth) } });
    expect(deleted.status).toBe(204);
    expect((await head(t.repNorth, location)).status).toBe(404);
    expect(existsSync(path.join(main.directory, idOf(location)))).toBe(false);

    const fresh = await create(t.repNorth, file, { clientUploadId, body: file });
    expect(fresh.headers.get('location')).not.toBe(location);
    const kept = await fetch(main.url + (fresh.headers.get('location') ?? ''), { method: 'DELETE', headers: { ...TUS, ...auth(t.repNorth) } });
    expect(kept.status).toBe(409);
    expect(await kept.json()).toMatchObject({ code: 'UPLOAD_COMPLETE_NOT_TERMINABLE' });
  });

  it('lets the uploader and a supervisor whose scope covers them download; other teams and tenants get 404', async () => {
    const t = await tenant();
    const file = randomBytes(5_000);
    const location = (await create(t.repNorth, file, { body: file })).headers.get('location') ?? '';

    for (const token of [t.repNorth, t.supervisorNorth, t.admin]) {
      const response = await download(token, location);
      expect(response.status).toBe(200);
      expect(Buffer.from(await response.arrayBuffer()).equals(file)).toBe(true);
    }
    const stranger = await tenant();
    for (const token of [t.repSouth, t.supervisorSouth, stranger.admin, stranger.repNorth]) {
      const response = await download(token, location);
      expect(response.status).toBe(404);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
    }
    // The tus URL itself belongs to the uploader alone, and the internal read to the tenant.
    expect((await head(t.supervisorNorth, location)).status).toBe(404);
    expect((await fetch(`${main.url}/internal/v1/uploads/${idOf(location)}`, { headers: auth(stranger.admin) })).status).toBe(404);
  });

  it('streams an upload far larger than the JSON body limit in one request', async () => {
    const t = await tenant();
    const file = randomBytes(16 * JSON_BODY_LIMIT);
    const location = (await create(t.repNorth, file)).headers.get('location') ?? '';
    const response = await patch(t.repNorth, location, 0, file);
    expect(response.status).toBe(204);
    expect(response.headers.get('upload-offset')).toBe(String(file.length));
    expect(await verification(t.repNorth, idOf(location))).toMatchObject({ status: 'complete', size: file.length });
    // JSON routes keep their limit.
    const json = await fetch(`${main.url}/api/v1/uploads/settings`, {
      method: 'PUT',
      headers: { ...auth(t.admin), 'content-type': 'application/json' },
      body: JSON.stringify({ maxUploadBytes: 1_000, padding: 'x'.repeat(2 * JSON_BODY_LIMIT) }),
    });
    expect(json.status).toBe(413);
  });

  it('refuses requests without a token, without Tus-Resumable, or with bad metadata, as problem+json, storing nothing', async () => {
    const t = await tenant();
    const file = randomBytes(100);
    const anonymous = await fetch(`${main.url}/api/v1/uploads`, { method: 'POST', headers: { ...TUS, 'upload-length': '100' } });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('content-type')).toContain('application/problem+json');

    expect((await create(t.repNorth, file, { headers: { 'tus-resumable': '0.2.2' } })).status).toBe(412);
    const noHash = await create(t.repNorth, file, { extra: { sha256: 'not-a-hash' } });
    expect(noHash.status).toBe(400);
    expect(await noHash.json()).toMatchObject({ code: 'UPLOAD_INVALID_REQUEST', errors: [{ field: 'metadata.sha256' }] });
    const deferred = await create(t.repNorth, file, { headers: { 'upload-length': '', 'upload-defer-length': '1' } });
    expect(deferred.status).toBe(400);
    expect((await head(t.repNorth, '/api/v1/uploads/not-an-id')).status).toBe(404);
    expect((await head(t.repNorth, `/api/v1/uploads/${randomUUID()}`)).status).toBe(404);

    expect((await create(t.repNorth, file, { headers: { 'upload-concat': 'partial' } })).status).toBe(400);

    const location = (await create(t.repNorth, file)).headers.get('location') ?? '';
    // A method override would make tus act as another method than the one checked: ignored.
    const overridden = await patch(t.repNorth, location, 0, file.subarray(0, 10), { 'x-http-method-override': 'DELETE' });
    expect(overridden.status).toBe(204);
    expect(await offsetOf(t.repNorth, location)).toBe(10);
    const wrongOffset = await patch(t.repNorth, location, 0, file.subarray(10));
    expect(wrongOffset.status).toBe(409);
    expect(await wrongOffset.json()).toMatchObject({ code: 'UPLOAD_OFFSET_MISMATCH' });
    expect(await main.service.app.get(UploadsService).openUploads(t.tenantId, await userOf(t.repNorth))).toHaveLength(1);
  });
});
