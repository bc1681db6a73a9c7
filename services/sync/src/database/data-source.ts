import path from 'node:path';
import { DataSource } from 'typeorm';
import { serviceDataSourceOptions, serviceDatabaseUrl } from '@fieldforce/persistence';

/** The sync service's DataSource for the migrate entry point and the TypeORM CLI (schema `sync`). */
export default new DataSource(
  serviceDataSourceOptions({
    service: 'sync',
    url: serviceDatabaseUrl('sync'),
    entities: [path.join(__dirname, '../modules/**/entities/*.entity.{ts,js}')],
    migrations: [path.join(__dirname, 'migrations/*.{ts,js}')],
  }),
);
