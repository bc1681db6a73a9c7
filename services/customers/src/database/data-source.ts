import path from 'node:path';
import { DataSource } from 'typeorm';
import { serviceDataSourceOptions, serviceDatabaseUrl } from '@fieldforce/persistence';

/** The customers service's DataSource for the migrate entry point and the TypeORM CLI (schema `customers`). */
export default new DataSource(
  serviceDataSourceOptions({
    service: 'customers',
    url: serviceDatabaseUrl('customers'),
    entities: [path.join(__dirname, '../modules/**/entities/*.entity.{ts,js}')],
    migrations: [path.join(__dirname, 'migrations/*.{ts,js}')],
  }),
);
