import { type EventHandler, type EventSubscriptions } from '@fieldforce/messaging';
import { type RolePolicyStore } from './role-policy.store';

/** Consumer name of the role policy feed; the group is `<service>.role-policies`. */
export const ROLE_POLICY_CONSUMER = 'role-policies';

type RoleEventType = 'fieldforce.permissions.role.created.v1' | 'fieldforce.permissions.role.updated.v1';

/**
 * Registers the inbox consumer that keeps `store` up to date from the permissions service's role
 * events (created and updated carry the full policy). Call from a provider's `onModuleInit`.
 */
export function subscribeToRolePolicies(
  subscriptions: EventSubscriptions,
  store: RolePolicyStore,
  options?: Parameters<EventSubscriptions['subscribe']>[2],
): void {
  const applyRole =
    <T extends RoleEventType>(): EventHandler<T> =>
    async (event, manager) => {
      await store.apply(manager, event.data.role);
    };
  subscriptions.subscribe(
    ROLE_POLICY_CONSUMER,
    {
      'fieldforce.permissions.role.created.v1': applyRole(),
      'fieldforce.permissions.role.updated.v1': applyRole(),
    },
    options,
  );
}
