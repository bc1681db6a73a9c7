import path from 'node:path';
import { DataSource } from 'typeorm';
import { serviceDataSourceOptions, serviceDatabaseUrl } from '@fieldforce/persistence';

/** The visits service's DataSource for the migrate entry point and the TypeORM CLI (schema `visits`). */
export default new DataSource(
  serviceDataSourceOptions({
    service: 'visits',
    url: serviceDatabaseUrl('visits'),
    entities: [path.join(__dirname, '../modules/**/entities/*.entity.{ts,js}')],
    migrations: [path.join(__dirname, 'migrations/*.{ts,js}')],
  }),
);
