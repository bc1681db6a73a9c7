import { type PushConfig } from '../../config/sync.config';

/** A service that owns pushed entities; its base URL is `OWNER_<SVC>_URL`. */
export type OwnerService = keyof PushConfig['owners'];

/** Where mutations of one entity go: the owning service and its internal, idempotent mutation endpoint. */
export interface MutationOwner {
  service: OwnerService;
  path: string;
}

/**
 * Entity → owner. Supporting another entity is one entry here, once its owner serves the
 * mutation contract (services/sync/README.md, push). Mutations of any other entity are answered
 * `rejected` (SYNC_ENTITY_NOT_SUPPORTED) without an owner call.
 */
export const MUTATION_OWNERS: Readonly<Record<string, MutationOwner>> = {
  customer: { service: 'customers', path: '/internal/v1/mutations' },
  // A task's reschedule and status (update only) and its report (create only; entityId is the report id).
  'visit-task': { service: 'visits', path: '/internal/v1/mutations' },
  'visit-report': { service: 'visits', path: '/internal/v1/mutations' },
  // An offline check-in (create) and its check-out (update); checkins refuses deletes (evidence stays).
  'check-in': { service: 'checkins', path: '/internal/v1/mutations' },
};

/** The owner of `entity`, or undefined when push does not support it. */
export function mutationOwnerOf(entity: string): MutationOwner | undefined {
  return Object.hasOwn(MUTATION_OWNERS, entity) ? MUTATION_OWNERS[entity] : undefined;
}

export const SUPPORTED_ENTITIES: readonly string[] = Object.keys(MUTATION_OWNERS);
