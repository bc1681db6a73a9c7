import { QueryFailedError } from 'typeorm';

const UNIQUE_VIOLATION = '23505';

/** The unique constraint a failed statement violated, if that is why it failed. */
export function violatedUniqueConstraint(error: unknown): string | undefined {
  if (!(error instanceof QueryFailedError)) return undefined;
  const driverError = error.driverError as { code?: string; constraint?: string };
  return driverError.code === UNIQUE_VIOLATION ? driverError.constraint : undefined;
}

/** Serialises the tenant's org-tree changes (creates, moves, user placements) within a transaction. */
export const ORG_TREE_LOCK_SQL = `SELECT pg_advisory_xact_lock(hashtextextended('permissions.org-tree:' || $1, 0))`;
