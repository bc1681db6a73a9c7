import { FeedCursorCodec, type FeedPosition, viewerFingerprint } from './feed-cursor';
import { FeedException } from './feed.exception';

describe(FeedCursorCodec.name, () => {
  const codec = new FeedCursorCodec('a-test-secret-of-at-least-thirty-two-chars');
  const position: FeedPosition = {
    tenantId: '0190d6a0-0000-7000-8000-000000000001',
    userId: '0190d6a1-1111-7111-8111-111111111111',
    seq: 9_007_199_254_740_993n,
    viewer: { scope: 'team', orgPath: 'emea.de', kinds: ['check-in', 'customer'], mask: '0123456789abcdef' },
  };

  const rejection = (cursor: string): string => {
    try {
      codec.decode(cursor);
    } catch (error) {
      if (error instanceof FeedException) return error.message;
      throw error;
    }
    throw new Error('the cursor was accepted');
  };

  it('reads back what it wrote, sequences beyond 2^53 and a rebase in progress included', () => {
    expect(codec.decode(codec.encode(position))).toEqual(position);
    const rebasing: FeedPosition = { ...position, rebase: { target: 'fedcba9876543210', hwm: 42n, after: ['customer', position.userId] } };
    expect(codec.decode(codec.encode(rebasing))).toEqual(rebasing);
  });

  it('refuses a cursor whose content or signature was changed, or that another secret signed', () => {
    const [payload, signature] = codec.encode(position).split('.') as [string, string];
    const forged = Buffer.from(Buffer.from(payload, 'base64url').toString().replace('"s":"9007199254740993"', '"s":"0"')).toString('base64url');
    expect(rejection(`${forged}.${signature}`)).toMatch(/signature mismatch/);
    expect(rejection(`${payload}.${signature.slice(0, -1)}A`)).toMatch(/signature mismatch/);
    expect(rejection(new FeedCursorCodec('another-secret-of-at-least-thirty-two-chars').encode(position))).toMatch(/signature mismatch/);
  });

  it('refuses garbage without throwing anything but a cursor error', () => {
    for (const garbage of ['', '.', 'abc', 'a.b.c', '%%%.%%%', `${Buffer.from('{}').toString('base64url')}.x`]) {
      expect(rejection(garbage)).toMatch(/malformed|signature mismatch/);
    }
  });

  it('refuses a correctly signed body of the wrong shape', () => {
    const unsigned = (body: unknown) => {
      const payload = Buffer.from(JSON.stringify(body)).toString('base64url');
      // Signed with the codec's own secret, as if the service had a bug writing it.
      const signature = (codec as unknown as { sign(payload: string): string }).sign(payload);
      return `${payload}.${signature}`;
    };
    expect(rejection(unsigned({ v: 1, t: 'x', u: 'y', s: '1', w: {} }))).toMatch(/malformed/);
    expect(rejection(unsigned({ v: 2 }))).toMatch(/malformed/);
  });

  it('fingerprints viewers by scope, org path, readable kinds and masking', () => {
    const base = viewerFingerprint(position.viewer);
    expect(viewerFingerprint({ ...position.viewer })).toBe(base);
    expect(viewerFingerprint({ ...position.viewer, orgPath: 'emea.fr' })).not.toBe(base);
    expect(viewerFingerprint({ ...position.viewer, scope: 'own' })).not.toBe(base);
    expect(viewerFingerprint({ ...position.viewer, kinds: ['customer'] })).not.toBe(base);
    expect(viewerFingerprint({ ...position.viewer, mask: 'ffffffffffffffff' })).not.toBe(base);
  });
});
