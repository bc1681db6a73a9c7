import { serviceDataSourceOptions } from './data-source-options';
import { SnakeNamingStrategy } from './snake-naming.strategy';

describe(serviceDataSourceOptions.name, () => {
  const options = serviceDataSourceOptions({ service: 'visits', url: 'postgres://fieldforce_visits:x@db/fieldforce' });

  it("binds the connection to the service's schema, then public", () => {
    expect(options.schema).toBe('visits');
    expect(options.extra).toEqual({ options: '-c search_path=visits,public' });
  });

  it('never synchronizes and keeps migrations in <schema>.migrations, one transaction each', () => {
    expect(options.synchronize).toBe(false);
    expect(options.migrationsRun).toBe(false);
    expect(options.migrationsTableName).toBe('migrations');
    expect(options.migrationsTransactionMode).toBe('each');
    expect(options.installExtensions).toBe(false);
  });

  it('uses snake_case names and a bounded pool', () => {
    expect(options.namingStrategy).toBeInstanceOf(SnakeNamingStrategy);
    expect(options.poolSize).toBe(10);
    expect(serviceDataSourceOptions({ service: 'sync', url: 'postgres://x@db/y', poolSize: 3 }).poolSize).toBe(3);
  });
});
