import { type DynamicModule, type ModuleMetadata, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { type EntityList, type MigrationList, serviceDataSourceOptions } from './data-source-options';
import { type SchemaService, serviceDatabaseUrl } from './schema-services';

/** Connection settings a service derives from its own validated config. */
export interface ServiceConnectionSettings {
  url: string;
  poolSize?: number;
}

export interface PersistenceModuleOptions {
  service: SchemaService;
  /** Entities besides those registered with `TypeOrmModule.forFeature` (those load automatically). */
  entities?: EntityList;
  migrations?: MigrationList;
  imports?: ModuleMetadata['imports'];
  // Nest's own injection-token type for factory dependencies.
  inject?: NonNullable<Parameters<typeof TypeOrmModule.forRootAsync>[0]['inject']>;
  /** Reads the URL from the service's config (the `inject`ed deps); without it, `serviceDatabaseUrl(service)`. */
  // A method signature, so a factory taking the service's own config type is accepted.
  useFactory?(...deps: unknown[]): ServiceConnectionSettings | Promise<ServiceConnectionSettings>;
  /** Connection attempts at start before the app gives up (3 s apart). */
  retryAttempts?: number;
}

/** The service's TypeORM connection as a Nest module: its schema, its role, never synchronize. */
@Module({})
export class PersistenceModule {
  static forService(options: PersistenceModuleOptions): DynamicModule {
    const { service } = options;
    return {
      module: PersistenceModule,
      imports: [
        TypeOrmModule.forRootAsync({
          imports: options.imports,
          inject: options.inject,
          useFactory: async (...deps: unknown[]) => {
            const settings = options.useFactory
              ? await options.useFactory(...deps)
              : { url: serviceDatabaseUrl(service) };
            return {
              ...serviceDataSourceOptions({
                service,
                url: settings.url,
                poolSize: settings.poolSize,
                entities: options.entities,
                migrations: options.migrations,
              }),
              autoLoadEntities: true,
              retryAttempts: options.retryAttempts ?? 5,
            };
          },
        }),
      ],
    };
  }
}
