import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { type Static, Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { DATA_SCOPES, type DataScope } from '@fieldforce/contracts';
import { FeedException } from './feed.exception';

/** What decides which records a reader receives and how they are masked; the cursor remembers it. */
export interface FeedViewer {
  scope: DataScope;
  orgPath: string;
  /** The entity kinds the reader's roles may read, sorted. */
  kinds: string[];
  /** A digest of the reader's unreadable fields of those kinds. */
  mask: string;
}

/** Where a pull goes on: everything up to `seq` was delivered as `viewer` saw it. */
export interface FeedPosition {
  tenantId: string;
  userId: string;
  seq: bigint;
  viewer: FeedViewer;
  /**
   * While the device is moved from `viewer` to the reader's current viewer (fingerprint `target`):
   * the records up to `after` (entity, id) are done, and the feed resumes at `hwm` afterwards.
   */
  rebase?: { target: string; hwm: bigint; after: [string, string] | null };
}

// Sequences are Postgres bigints.
const MAX_SEQ = 2n ** 63n - 1n;
const Digits = Type.String({ pattern: '^(0|[1-9][0-9]{0,18})$' });
const Uuid = Type.String({ pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$' });
const CursorSchema = Type.Object(
  {
    v: Type.Literal(1),
    t: Uuid,
    u: Uuid,
    s: Digits,
    w: Type.Object(
      {
        s: Type.Union(DATA_SCOPES.map((scope) => Type.Literal(scope))),
        o: Type.String({ maxLength: 2000 }),
        k: Type.Array(Type.String({ minLength: 1, maxLength: 50 }), { maxItems: 20 }),
        m: Type.String({ pattern: '^[0-9a-f]{16}$' }),
      },
      { additionalProperties: false },
    ),
    r: Type.Optional(
      Type.Object(
        {
          f: Type.String({ pattern: '^[0-9a-f]{16}$' }),
          h: Digits,
          a: Type.Optional(Type.Tuple([Type.String({ minLength: 1, maxLength: 50 }), Uuid])),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
type CursorBody = Static<typeof CursorSchema>;

/** A short digest of a viewer: two cursors with the same fingerprint see the same records, masked alike. */
export function viewerFingerprint(viewer: FeedViewer): string {
  return digest([viewer.scope, viewer.orgPath, viewer.kinds, viewer.mask]);
}

/** 16 hex digits of the SHA-256 of `value` as JSON. */
export function digest(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 16);
}

/**
 * Pull cursors: the position as compact JSON in base64url, a dot, and its HMAC-SHA256 under the
 * service's secret. Opaque to devices; any change to it is detected before its content is read.
 */
export class FeedCursorCodec {
  constructor(private readonly secret: string) {}

  encode(position: FeedPosition): string {
    const body: CursorBody = {
      v: 1,
      t: position.tenantId,
      u: position.userId,
      s: position.seq.toString(),
      w: { s: position.viewer.scope, o: position.viewer.orgPath, k: position.viewer.kinds, m: position.viewer.mask },
      ...(position.rebase
        ? {
            r: {
              f: position.rebase.target,
              h: position.rebase.hwm.toString(),
              ...(position.rebase.after ? { a: position.rebase.after } : {}),
            },
          }
        : {}),
    };
    const payload = Buffer.from(JSON.stringify(body)).toString('base64url');
    return `${payload}.${this.sign(payload)}`;
  }

  /** The position of a cursor this service issued; throws FeedException (400) for anything else. */
  decode(cursor: string): FeedPosition {
    const [payload, signature, ...rest] = cursor.split('.');
    if (payload === undefined || signature === undefined || rest.length > 0 || payload.length === 0) {
      throw FeedException.cursorInvalid('malformed');
    }
    const expected = Buffer.from(this.sign(payload));
    const given = Buffer.from(signature);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw FeedException.cursorInvalid('signature mismatch');
    let body: unknown;
    try {
      body = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    } catch {
      throw FeedException.cursorInvalid('malformed');
    }
    if (!Value.Check(CursorSchema, body)) throw FeedException.cursorInvalid('malformed');
    if (BigInt(body.s) > MAX_SEQ || (body.r && BigInt(body.r.h) > MAX_SEQ)) throw FeedException.cursorInvalid('malformed');
    return {
      tenantId: body.t,
      userId: body.u,
      seq: BigInt(body.s),
      viewer: { scope: body.w.s, orgPath: body.w.o, kinds: body.w.k, mask: body.w.m },
      ...(body.r ? { rebase: { target: body.r.f, hwm: BigInt(body.r.h), after: body.r.a ?? null } } : {}),
    };
  }

  private sign(payload: string): string {
    return createHmac('sha256', this.secret).update(payload).digest('base64url');
  }
}
