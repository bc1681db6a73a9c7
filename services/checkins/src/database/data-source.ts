import path from 'node:path';
import { DataSource } from 'typeorm';
import { serviceDataSourceOptions, serviceDatabaseUrl } from '@fieldforce/persistence';

/** The checkins service's DataSource for the migrate entry point and the TypeORM CLI (schema `checkins`). */
export default new DataSource(
  serviceDataSourceOptions({
    service: 'checkins',
    url: serviceDatabaseUrl('checkins'),
    entities: [path.join(__dirname, '../modules/**/entities/*.entity.{ts,js}')],
    migrations: [path.join(__dirname, 'migrations/*.{ts,js}')],
  }),
);
