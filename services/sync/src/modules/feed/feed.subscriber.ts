import { Injectable, type OnModuleInit } from '@nestjs/common';
import { type EventHandler, EventSubscriptions } from '@fieldforce/messaging';
import { type EventType } from '@fieldforce/contracts';
import { FEED_ENTITIES, type FeedEntityKind, type FeedRecord } from './feed-entities';
import { FeedRepository } from './feed.repository';

/** Consumer name of the change feed; the group is `sync.feed`. */
export const FEED_CONSUMER = 'feed';

/** Builds the change feed from the domain events of every kind the feed carries. */
@Injectable()
export class FeedSubscriber implements OnModuleInit {
  constructor(
    private readonly subscriptions: EventSubscriptions,
    private readonly feed: FeedRepository,
  ) {}

  onModuleInit(): void {
    const handlers: Partial<Record<EventType, EventHandler<EventType>>> = {};
    for (const kind of FEED_ENTITIES) {
      for (const [type, extract] of Object.entries(kind.extractors)) {
        // Each extractor is typed by its own event type (FeedExtractors); iterating loses that pairing.
        const read = extract as (data: unknown) => FeedRecord;
        handlers[type as EventType] = async (event, manager) => {
          await this.feed.apply(manager, kind, this.checked(kind, read(event.data), event.tenantid));
        };
      }
    }
    this.subscriptions.subscribe(FEED_CONSUMER, handlers);
  }

  // A record claiming another tenant than its event is a producer bug; never file it under either.
  private checked(kind: FeedEntityKind, record: FeedRecord, tenantId: string): FeedRecord {
    if (record.tenantId !== tenantId) throw new Error(`${kind.entity} ${record.id} of tenant ${record.tenantId} arrived in an event of tenant ${tenantId}`);
    return record;
  }
}
