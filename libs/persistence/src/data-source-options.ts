import { type DataSourceOptions, type LoggerOptions } from 'typeorm';
import { type PostgresConnectionOptions } from 'typeorm/driver/postgres/PostgresConnectionOptions';
import { type SchemaService } from './schema-services';
import { SnakeNamingStrategy } from './snake-naming.strategy';

/** Entity classes, or glob patterns of files that export them. */
export type EntityList = NonNullable<DataSourceOptions['entities']>;
/** Migration classes, or glob patterns of files that export them. */
export type MigrationList = NonNullable<DataSourceOptions['migrations']>;

export interface ServiceDataSourceConfig {
  service: SchemaService;
  url: string;
  entities?: EntityList;
  migrations?: MigrationList;
  /** Connections held by this process; keep replicas × poolSize under the server's max_connections. */
  poolSize?: number;
  logging?: LoggerOptions;
}

const DEFAULT_POOL_SIZE = 10;
const CONNECT_TIMEOUT_MS = 5000;

/** TypeORM options for a service: its schema, its role's URL, snake_case names, never synchronize. */
export function serviceDataSourceOptions(config: ServiceDataSourceConfig): PostgresConnectionOptions {
  const { service } = config;
  return {
    type: 'postgres',
    url: config.url,
    schema: service,
    applicationName: `fieldforce-${service}`,
    entities: config.entities ?? [],
    migrations: config.migrations ?? [],
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    migrationsRun: false,
    synchronize: false,
    // The service role may not create extensions; db:setup installs them in `public`.
    installExtensions: false,
    namingStrategy: new SnakeNamingStrategy(),
    poolSize: config.poolSize ?? DEFAULT_POOL_SIZE,
    connectTimeoutMS: CONNECT_TIMEOUT_MS,
    logging: config.logging ?? false,
    // Unqualified names resolve to the service's own tables, then to the extensions' types in public.
    extra: { options: `-c search_path=${service},public` },
  };
}
