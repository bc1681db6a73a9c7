import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { finished } from 'node:stream/promises';
import { BodyLimitExceeded, REFUSED_BODY_DRAIN_BYTES, bodyLimitFor, declaresMoreThan, limitBodyStream } from './body-limit';

const limits = { jsonBytes: 1_000, uploadBytes: 50_000 };

describe(bodyLimitFor.name, () => {
  it('gives uploads their own, larger limit and every other route the API limit', () => {
    expect(bodyLimitFor('/api/v1/uploads', limits)).toBe(50_000);
    expect(bodyLimitFor('/api/v1/uploads/0190d6a4', limits)).toBe(50_000);
    expect(bodyLimitFor('/api/v1/uploadsx', limits)).toBe(1_000);
    expect(bodyLimitFor('/api/v1/customers', limits)).toBe(1_000);
  });
});

describe(declaresMoreThan.name, () => {
  it('compares an announced content-length with the limit', () => {
    expect(declaresMoreThan('1001', 1_000)).toBe(true);
    expect(declaresMoreThan('1000', 1_000)).toBe(false);
    expect(declaresMoreThan(undefined, 1_000)).toBe(false);
  });
});

describe(limitBodyStream.name, () => {
  it('passes a body within the limit through unchanged', async () => {
    const body = Buffer.from('x'.repeat(1_000));
    const limited = limitBodyStream(Readable.from([body.subarray(0, 400), body.subarray(400)]), 1_000, () => undefined);

    expect((await buffer(limited)).equals(body)).toBe(true);
  });

  it('fails the stream and reports once the body grows past the limit', async () => {
    let exceeded = 0;
    const limited = limitBodyStream(Readable.from([Buffer.alloc(600), Buffer.alloc(600), Buffer.alloc(600)]), 1_000, () => {
      exceeded += 1;
    });

    await expect(buffer(limited)).rejects.toBeInstanceOf(BodyLimitExceeded);
    expect(exceeded).toBe(1);
  });

  it('reads a refused body to its end, but destroys one that goes on past what it drops', async () => {
    const finite = Readable.from([Buffer.alloc(600), Buffer.alloc(600), Buffer.alloc(600)]);
    let produced = 0;
    const endless = new Readable({
      read() {
        produced += 1024 * 1024;
        this.push(Buffer.alloc(1024 * 1024));
      },
    });
    await expect(buffer(limitBodyStream(finite, 1_000, () => undefined))).rejects.toBeInstanceOf(BodyLimitExceeded);
    await expect(buffer(limitBodyStream(endless, 1_000, () => undefined))).rejects.toBeInstanceOf(BodyLimitExceeded);
    await Promise.all([finished(finite), finished(endless).catch(() => undefined)]);

    expect(finite.readableEnded).toBe(true);
    expect(endless.destroyed && !endless.readableEnded).toBe(true);
    // Destroyed soon after it dropped its allowance, give or take what was buffered ahead.
    expect(produced).toBeLessThan(REFUSED_BODY_DRAIN_BYTES + 4 * 1024 * 1024);
  });
});
