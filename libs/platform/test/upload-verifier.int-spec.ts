import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { type AddressInfo } from 'node:net';
import { Logger } from '@nestjs/common';
import { UploadVerificationErrorCode, UploadVerificationException, UploadVerifier, uploadVerificationProblems } from '../src';

const SHA = 'ab'.repeat(32);

type Script = (response: http.ServerResponse) => void;

// A stand-in for sync's verification read, answering what each upload id is scripted to; what sync
// really answers is covered by the checkins and visits tests against sync itself.
describe(UploadVerifier.name, () => {
  let server: http.Server;
  let verifier: UploadVerifier;
  const scripts = new Map<string, Script>();
  const seen: { id: string; authorization: string | undefined }[] = [];
  const userId = randomUUID();
  const caller = { userId, authorization: 'Bearer caller-token' };

  const record = (id: string, overrides: Record<string, unknown> = {}): Script => (response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ id, sha256: SHA, size: 10, status: 'complete', contentType: 'image/jpeg', userId, ...overrides }));
  };
  const status = (code: number): Script => (response) => {
    response.writeHead(code, { 'content-type': 'application/problem+json' });
    response.end('{}');
  };
  const upload = (script: (id: string) => Script): string => {
    const id = randomUUID();
    scripts.set(id, script(id));
    return id;
  };
  const failure = (promise: Promise<unknown>): Promise<UploadVerificationException> =>
    promise.then(
      () => {
        throw new Error('expected a refusal');
      },
      (error: unknown) => {
        expect(error).toBeInstanceOf(UploadVerificationException);
        return error as UploadVerificationException;
      },
    );

  beforeAll(async () => {
    // Each unavailable answer logs a warning by design; not in this test's output.
    Logger.overrideLogger(false);
    server = http.createServer((request, response) => {
      const id = (request.url ?? '').replace('/internal/v1/uploads/', '');
      seen.push({ id, authorization: request.headers.authorization });
      const script = scripts.get(id);
      if (script) script(response);
      else status(404)(response);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    verifier = new UploadVerifier({ url: `http://127.0.0.1:${port}`, timeoutMs: 300 });
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it("answers complete uploads of the caller in the references' order, asking once per id with the caller's token", async () => {
    const [a, b] = [upload(record), upload((id) => record(id, { sha256: 'cd'.repeat(32), contentType: null }))];

    const verified = await verifier.verifyOwn(caller, [
      { field: 'photos.0', uploadId: b.toUpperCase() },
      { field: 'photos.1', uploadId: a },
      { field: 'photos.2', uploadId: b },
    ]);

    expect(verified.map((upload) => [upload.id, upload.sha256, upload.contentType])).toEqual([
      [b, 'cd'.repeat(32), null],
      [a, SHA, 'image/jpeg'],
      [b, 'cd'.repeat(32), null],
    ]);
    expect(seen.filter((request) => request.id === b)).toEqual([{ id: b, authorization: 'Bearer caller-token' }]);
    expect(await verifier.verifyOwn(caller, [])).toEqual([]);
  });

  it("refuses unknown, someone else's and incomplete uploads, naming every field, with the first one's code", async () => {
    const incomplete = upload((id) => record(id, { status: 'corrupt' }));
    const foreign = upload((id) => record(id, { userId: randomUUID() }));
    const foreignIncomplete = upload((id) => record(id, { userId: randomUUID(), status: 'uploading' }));
    const malformedId = upload(() => status(400));

    const error = await failure(
      verifier.verifyOwn(caller, [
        { field: 'a', uploadId: incomplete },
        { field: 'b', uploadId: foreign },
        { field: 'c', uploadId: foreignIncomplete },
        { field: 'd', uploadId: malformedId },
        { field: 'e', uploadId: randomUUID() },
      ]),
    );

    expect(error.code).toBe(UploadVerificationErrorCode.UploadIncomplete);
    expect(error.errors?.map((field) => field.field)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(error.errors?.[0]?.message).toContain('did not match its declared sha256');
    expect((error.details?.uploads as { code: string }[]).map((rejection) => rejection.code)).toEqual([
      'ATTACHED_UPLOAD_INCOMPLETE',
      'ATTACHED_UPLOAD_UNKNOWN',
      'ATTACHED_UPLOAD_UNKNOWN',
      'ATTACHED_UPLOAD_UNKNOWN',
      'ATTACHED_UPLOAD_UNKNOWN',
    ]);
    expect(uploadVerificationProblems.map(error)).toEqual({ status: 422, title: 'Upload not complete' });
  });

  it.each<[string, Script | 'refused']>([
    ['a 5xx', status(502)],
    ['an expired token', status(401)],
    ['a rate limit', status(429)],
    ['a 200 that is not a verification', (response) => response.end('<html>')],
    ['a 200 with a malformed hash', (response) => response.end(JSON.stringify({ sha256: 'nope' }))],
    ['no answer within the timeout', () => undefined],
    ['a refused connection', 'refused'],
  ])('is unavailable (503, Retry-After) on %s, even when other uploads are refused', async (_, script) => {
    const refusing = new UploadVerifier({ url: 'http://127.0.0.1:1', timeoutMs: 300 });
    const id = upload(() => (script === 'refused' ? status(200) : script));
    const subject = script === 'refused' ? refusing : verifier;

    const error = await failure(subject.verifyOwn(caller, [{ field: 'x', uploadId: randomUUID() }, { field: 'y', uploadId: id }]));

    expect(error.code).toBe(UploadVerificationErrorCode.UploadsUnavailable);
    expect(error.details).toEqual({ retryAfterSeconds: 5 });
    expect(uploadVerificationProblems.map(error).status).toBe(503);
  });

  describe('verifiedWrite', () => {
    it('runs a write that attaches nothing once, without asking sync', async () => {
      const before = seen.length;
      let runs = 0;

      const result = await verifier.verifiedWrite(caller, async (verified) => {
        runs += 1;
        return verified([]).length;
      });

      expect([result, runs, seen.length - before]).toEqual([0, 1, 0]);
    });

    it('verifies between two runs of the write, so no run waits for sync, and the second is answered from what was verified', async () => {
      const [a, b] = [upload(record), upload(record)];
      const timeline: string[] = [];
      const requests = seen.length;

      const attached = await verifier.verifiedWrite(caller, async (verified) => {
        timeline.push(`run, sync asked ${seen.length - requests} times`);
        const uploads = verified([
          { field: 'photos.0', uploadId: b },
          { field: 'photos.1', uploadId: a.toUpperCase() },
        ]);
        timeline.push('attached');
        return uploads.map((upload) => upload.id);
      });

      expect(attached).toEqual([b, a]);
      expect(timeline).toEqual(['run, sync asked 0 times', 'run, sync asked 2 times', 'attached']);
    });

    it('throws what the verification throws, running the write no further', async () => {
      let attachedAnyway = false;

      const error = await failure(
        verifier.verifiedWrite(caller, async (verified) => {
          verified([{ field: 'photos.0', uploadId: randomUUID() }]);
          attachedAnyway = true;
        }),
      );

      expect(error.code).toBe(UploadVerificationErrorCode.UploadUnknown);
      expect(attachedAnyway).toBe(false);
    });

    it('is unavailable (503) when the write asks for other uploads every time it runs', async () => {
      let runs = 0;

      const error = await failure(
        verifier.verifiedWrite(caller, async (verified) => {
          runs += 1;
          verified([{ field: 'photos.0', uploadId: upload(record) }]);
        }),
      );

      expect(error.code).toBe(UploadVerificationErrorCode.UploadsUnavailable);
      expect(runs).toBe(3);
    });
  });
});
