import { Injectable, type OnModuleInit } from '@nestjs/common';
import { aggregateEventTypes } from '@fieldforce/contracts';
import { EventSubscriptions, sameHandlerFor } from '@fieldforce/messaging';
import { DirectoryService } from './directory.service';

/** Keeps the directory up to date from the permissions service's user and org-unit events. */
@Injectable()
export class DirectorySubscriber implements OnModuleInit {
  constructor(
    private readonly subscriptions: EventSubscriptions,
    private readonly directory: DirectoryService,
  ) {}

  onModuleInit(): void {
    this.subscriptions.subscribe('directory', {
      ...sameHandlerFor(aggregateEventTypes('permissions', 'user'), (event, manager) => this.directory.applyUser(manager, event.data.user)),
      ...sameHandlerFor(aggregateEventTypes('permissions', 'org-unit'), (event, manager) => this.directory.applyOrgUnit(manager, event.data.orgUnit)),
    });
  }
}
