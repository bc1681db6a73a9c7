import { Injectable } from '@nestjs/common';
import { type EntityManager } from 'typeorm';
import { type AccessPolicy, type AuthenticatedUser } from '@fieldforce/auth';
import { InjectConfig } from '@fieldforce/platform';
import { type SyncConfig } from '../../config/sync.config';
import { digest, FeedCursorCodec, type FeedPosition, type FeedViewer, viewerFingerprint } from './feed-cursor';
import { FEED_ENTITIES, feedEntityKind } from './feed-entities';
import { FeedException } from './feed.exception';
import { type FeedMarks, type FeedReader, FeedRepository, type FeedRow } from './feed.repository';

export interface FeedChange {
  entity: string;
  id: string;
  op: 'upsert' | 'delete';
  version: number;
  data: Record<string, unknown> | null;
}

export interface FeedPage {
  changes: FeedChange[];
  cursor: string;
  hasMore: boolean;
}

/** The change feed devices pull, for the records each reader may see, masked by their field rules. */
@Injectable()
export class FeedService {
  private readonly cursors: FeedCursorCodec;
  /** Most sequence numbers one incremental page looks through (bounds a page's work for a reader who sees little). */
  private readonly sequenceWindow: bigint;
  /** Most records one rebase page looks through. */
  private readonly rebaseWindow: number;

  constructor(
    private readonly feed: FeedRepository,
    @InjectConfig() config: SyncConfig,
  ) {
    this.cursors = new FeedCursorCodec(config.feed.cursorSecret);
    this.sequenceWindow = BigInt(config.feed.pullScanSequences);
    this.rebaseWindow = config.feed.rebaseScanRecords;
  }

  /** The viewer the user's token and current role policies make: readable kinds, scope, masking. */
  viewerOf(user: AuthenticatedUser, policy: AccessPolicy): FeedViewer {
    const kinds = FEED_ENTITIES.filter((kind) => policy.can(kind.readAction));
    const rules = policy.effectiveRules();
    const mask = digest(kinds.map((kind) => [kind.resource, [...(rules[kind.resource]?.unreadable ?? [])].sort()]));
    return { scope: user.scope, orgPath: user.orgPath, kinds: kinds.map((kind) => kind.entity).sort(), mask };
  }

  /**
   * The next page of changes after `cursor` (from the start without one): incremental by sequence
   * while the reader's viewer is the one the cursor was issued under; after a change of scope, org
   * unit, roles or masking, first the difference between what the device holds and what the reader
   * may now see (a rebase), then incremental again.
   */
  async pull(user: AuthenticatedUser, policy: AccessPolicy, query: { cursor?: string; limit: number; clientId: string }): Promise<FeedPage> {
    const viewer = this.viewerOf(user, policy);
    const current: FeedReader = { tenantId: user.tenantId, userId: user.userId, viewer };
    const position = query.cursor === undefined ? undefined : this.cursors.decode(query.cursor);
    if (position && (position.tenantId !== user.tenantId || position.userId !== user.userId)) {
      throw FeedException.cursorInvalid('issued to another user');
    }
    const fingerprint = viewerFingerprint(viewer);
    let page: FeedPage;
    if (!position) {
      page = await this.incremental(current, 0n, query.limit, true);
    } else if (!position.rebase && viewerFingerprint(position.viewer) === fingerprint) {
      page = await this.incremental(current, position.seq, query.limit, false);
    } else {
      // A rebase reads several times: all in one snapshot.
      page = await this.feed.snapshot(async (manager) => {
        const marks = await this.feed.marks(manager, user.tenantId);
        this.assertContinuable(position, marks);
        if (position.rebase) {
          if (position.rebase.target !== fingerprint) throw FeedException.resetRequired('the access changed again during a rebase');
          return this.rebase(manager, { ...position, rebase: position.rebase }, current, marks.lastSeq, query.limit);
        }
        const rebase = { target: fingerprint, hwm: marks.lastSeq, after: null };
        return this.rebase(manager, { ...position, rebase }, current, marks.lastSeq, query.limit);
      });
    }
    const masked = { ...page, changes: page.changes.map((change) => this.mask(policy, change)) };
    // An idle pull answers the cursor it was given: nothing new to remember.
    if (masked.cursor !== query.cursor) await this.feed.recordCursor(user.tenantId, user.userId, query.clientId, masked.cursor);
    return masked;
  }

  /** The last cursor issued to the user's client, for the sync status. */
  async lastCursor(user: Pick<AuthenticatedUser, 'tenantId' | 'userId'>, clientId: string): Promise<string | null> {
    return this.feed.lastCursor(user.tenantId, user.userId, clientId);
  }

  /** Purges the tombstones that changed before `cutoff`; cursors from before them get 410 from then on. */
  async purgeTombstones(cutoff: Date): Promise<number> {
    return this.feed.purgeTombstones(cutoff);
  }

  // Continuing below the purge horizon could skip a purged delete; above the feed, the feed was reset.
  private assertContinuable(position: FeedPosition, marks: FeedMarks): void {
    if (position.seq > marks.lastSeq || (position.rebase && position.rebase.hwm > marks.lastSeq)) {
      throw FeedException.resetRequired('the cursor is ahead of the feed (restored from a backup?)');
    }
    if (position.seq < marks.horizonSeq) throw FeedException.resetRequired('the cursor is older than the tombstone retention');
  }

  private async incremental(reader: FeedReader, after: bigint, limit: number, initial: boolean): Promise<FeedPage> {
    const { rows, upper, ...marks } = await this.feed.changesAfter(reader, { after, window: this.sequenceWindow, take: limit + 1, initial });
    if (!initial) this.assertContinuable({ tenantId: reader.tenantId, userId: reader.userId, seq: after, viewer: reader.viewer }, marks);
    const full = rows.length > limit;
    const page = rows.slice(0, limit);
    // Every change up to `upper` committed before this statement's snapshot (sequence order is
    // commit order), so a page that is not full has seen all of them.
    const seq = full ? page[page.length - 1]!.seq : upper;
    return {
      changes: page.map(toChange),
      cursor: this.cursors.encode({ tenantId: reader.tenantId, userId: reader.userId, seq, viewer: reader.viewer }),
      hasMore: full || seq < marks.lastSeq,
    };
  }

  private async rebase(
    manager: EntityManager,
    position: FeedPosition & { rebase: NonNullable<FeedPosition['rebase']> },
    current: FeedReader,
    lastSeq: bigint,
    limit: number,
  ): Promise<FeedPage> {
    const old: FeedReader = { tenantId: position.tenantId, userId: position.userId, viewer: position.viewer };
    const { hwm, after } = position.rebase;
    const until = await this.feed.windowEnd(manager, current.tenantId, after, this.rebaseWindow);
    const rows = await this.feed.rebaseChanges(manager, { old, current }, { base: position.seq, hwm, after, until, take: limit + 1 });
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    const resumeAt: [string, string] | null = rows.length > limit && last ? [last.entity, last.id] : until;
    const next: FeedPosition = resumeAt
      ? { ...position, rebase: { ...position.rebase, after: resumeAt } }
      : // Done: the device now holds what `current` sees as of `hwm`; the feed goes on from there.
        { tenantId: current.tenantId, userId: current.userId, seq: hwm, viewer: current.viewer };
    return { changes: page.map(toChange), cursor: this.cursors.encode(next), hasMore: resumeAt !== null || hwm < lastSeq };
  }

  private mask(policy: AccessPolicy, change: FeedChange): FeedChange {
    const kind = feedEntityKind(change.entity);
    if (change.data === null || !kind) return change;
    return { ...change, data: policy.maskReadable(kind.resource, change.data) };
  }
}

function toChange(row: FeedRow): FeedChange {
  return { entity: row.entity, id: row.id, op: row.op, version: row.version, data: row.data };
}
