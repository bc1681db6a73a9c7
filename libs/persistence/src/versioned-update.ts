import {
  type FindOptionsSelect,
  type FindOptionsWhere,
  IsNull,
  type ObjectLiteral,
  type QueryDeepPartialEntity,
  type Repository,
} from 'typeorm';
import { type BaseAggregate, type BaseAggregateColumn } from './base-aggregate.entity';

/** Identifies the version of an aggregate a writer read and wants to replace. */
export interface VersionedKey {
  id: string;
  tenantId: string;
  version: number;
}

/**
 * What an optimistic update did: `updated` with the new version; `stale` when someone else
 * wrote first (answer 409/412); `missing` when no live row of that tenant has the id (answer 404).
 */
export type VersionedUpdateResult =
  | { outcome: 'updated'; version: number; updatedAt: Date }
  | { outcome: 'stale'; currentVersion: number }
  | { outcome: 'missing' };

/** The columns a caller may change: everything but the base columns. */
export type AggregateChanges<T extends BaseAggregate> = QueryDeepPartialEntity<Omit<T, BaseAggregateColumn>>;

/**
 * Applies `changes` only if the row still has the expected id, tenant and version, bumping the
 * version in the same statement. Pass a repository from a transaction's EntityManager to
 * commit the change together with, say, an outbox row.
 */
export async function updateVersioned<T extends BaseAggregate>(
  repository: Repository<T>,
  key: VersionedKey,
  changes: AggregateChanges<T>,
): Promise<VersionedUpdateResult> {
  // BaseAggregate declares both a version and an update-date column, so metadata has them.
  const { metadata } = repository;
  const match = { id: key.id, tenantId: key.tenantId, deletedAt: IsNull() } as FindOptionsWhere<T>;
  // TypeORM adds `version = version + 1` and `updated_at = CURRENT_TIMESTAMP` itself because the
  // entity declares @VersionColumn and @UpdateDateColumn.
  const result = await repository
    .createQueryBuilder()
    .update()
    .set(changes as QueryDeepPartialEntity<T>)
    .where({ ...match, version: key.version })
    .returning(['version', 'updatedAt'])
    .execute();
  const row = (result.raw as ObjectLiteral[])[0];
  if (row) {
    return {
      outcome: 'updated',
      version: Number(row[metadata.versionColumn!.databaseName]),
      updatedAt: row[metadata.updateDateColumn!.databaseName] as Date,
    };
  }
  const current = await repository.findOne({ where: match, select: { version: true } as FindOptionsSelect<T> });
  return current ? { outcome: 'stale', currentVersion: current.version } : { outcome: 'missing' };
}
