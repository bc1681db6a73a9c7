export { BaseAggregate, type BaseAggregateColumn } from './base-aggregate.entity';
export {
  type EntityList,
  type MigrationList,
  type ServiceDataSourceConfig,
  serviceDataSourceOptions,
} from './data-source-options';
export { createIdempotencyKeysTable, dropIdempotencyKeysTable } from './idempotency/idempotency-keys-table';
export {
  type IdempotentOutcome,
  type IdempotentRequest,
  IdempotentWrites,
  type IdempotentWritesOptions,
} from './idempotency/idempotent-writes';
export { IdempotentWritesModule } from './idempotency/idempotent-writes.module';
export { parseMigrateCommand, runMigrateCli } from './migrate-cli';
export { type MigrationDirection, type MigrationState, migrationStatus, runMigrations } from './migrations';
export { PersistenceModule, type PersistenceModuleOptions, type ServiceConnectionSettings } from './persistence.module';
export {
  SCHEMA_SERVICES,
  type SchemaService,
  databaseName,
  isSchemaService,
  redactUrl,
  roleDatabaseUrl,
  serviceDatabaseUrl,
  servicePassword,
  servicePasswordVariable,
  serviceRole,
  withDatabase,
} from './schema-services';
export { type SetupDatabaseOptions, type SetupDatabaseResult, setupDatabase } from './setup-database';
export { SnakeNamingStrategy, snakeCase } from './snake-naming.strategy';
export {
  type AggregateChanges,
  type VersionedKey,
  type VersionedUpdateResult,
  updateVersioned,
} from './versioned-update';
