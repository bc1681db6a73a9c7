import { Injectable, type OnModuleInit } from '@nestjs/common';
import { type EventHandler, EventSubscriptions } from '@fieldforce/messaging';
import { VisitExecution } from './visit-execution';

/** Consumer name of the check-in feed; the group is `visits.checkins`. */
export const CHECKINS_CONSUMER = 'checkins';

type CheckInEventType =
  | 'fieldforce.checkins.check-in.recorded.v1'
  | 'fieldforce.checkins.check-in.checked-out.v1'
  | 'fieldforce.checkins.check-in.reviewed.v1';

/** Keeps the check-ins read model from the check-in events and lets them drive the tasks; every event carries the full state. */
@Injectable()
export class CheckInFeedSubscriber implements OnModuleInit {
  constructor(
    private readonly subscriptions: EventSubscriptions,
    private readonly execution: VisitExecution,
  ) {}

  onModuleInit(): void {
    const handle =
      <T extends CheckInEventType>(): EventHandler<T> =>
      async (event, manager) => {
        await this.execution.follow(manager, event.data.checkIn);
      };
    this.subscriptions.subscribe(CHECKINS_CONSUMER, {
      'fieldforce.checkins.check-in.recorded.v1': handle(),
      'fieldforce.checkins.check-in.checked-out.v1': handle(),
      'fieldforce.checkins.check-in.reviewed.v1': handle(),
    });
  }
}
