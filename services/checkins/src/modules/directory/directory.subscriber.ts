import { Injectable, type OnModuleInit } from '@nestjs/common';
import { type EventHandler, EventSubscriptions } from '@fieldforce/messaging';
import { DirectoryService } from './directory.service';

type UserEventType =
  | 'fieldforce.permissions.user.created.v1'
  | 'fieldforce.permissions.user.updated.v1'
  | 'fieldforce.permissions.user.moved.v1'
  | 'fieldforce.permissions.user.roles-changed.v1'
  | 'fieldforce.permissions.user.deactivated.v1';
type OrgUnitEventType =
  | 'fieldforce.permissions.org-unit.created.v1'
  | 'fieldforce.permissions.org-unit.updated.v1'
  | 'fieldforce.permissions.org-unit.moved.v1';

/** Keeps the directory up to date from the permissions service's user and org-unit events. */
@Injectable()
export class DirectorySubscriber implements OnModuleInit {
  constructor(
    private readonly subscriptions: EventSubscriptions,
    private readonly directory: DirectoryService,
  ) {}

  onModuleInit(): void {
    const user =
      <T extends UserEventType>(): EventHandler<T> =>
      (event, manager) =>
        this.directory.applyUser(manager, event.data.user);
    const orgUnit =
      <T extends OrgUnitEventType>(): EventHandler<T> =>
      (event, manager) =>
        this.directory.applyOrgUnit(manager, event.data.orgUnit);
    this.subscriptions.subscribe('directory', {
      'fieldforce.permissions.user.created.v1': user(),
      'fieldforce.permissions.user.updated.v1': user(),
      'fieldforce.permissions.user.moved.v1': user(),
      'fieldforce.permissions.user.roles-changed.v1': user(),
      'fieldforce.permissions.user.deactivated.v1': user(),
      'fieldforce.permissions.org-unit.created.v1': orgUnit(),
      'fieldforce.permissions.org-unit.updated.v1': orgUnit(),
      'fieldforce.permissions.org-unit.moved.v1': orgUnit(),
    });
  }
}
