import { Test } from '@nestjs/testing';
import { TypeOrmModule, getRepositoryToken } from '@nestjs/typeorm';
import { DataSource, type Repository } from 'typeorm';
import { PersistenceModule, SnakeNamingStrategy } from '../src';
import { ProbeAggregate } from './probe-aggregate';
import { type ScratchDatabase, createScratchDatabase } from './scratch-database';

describe(PersistenceModule.name, () => {
  let database: ScratchDatabase;

  beforeAll(async () => {
    database = await createScratchDatabase('nest_module');
  });

  afterAll(async () => {
    await database?.drop();
  });

  it("connects as the service's role to its schema, with the entities its feature modules register", async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        PersistenceModule.forService({
          service: 'customers',
          useFactory: () => ({ url: database.roleUrl('customers'), poolSize: 2 }),
          retryAttempts: 0,
        }),
        TypeOrmModule.forFeature([ProbeAggregate]),
      ],
    }).compile();
    try {
      const dataSource = moduleRef.get(DataSource);
      const [session] = await dataSource.query('SELECT current_user, current_schema() AS schema');
      expect(session).toEqual({ current_user: 'fieldforce_customers', schema: 'customers' });
      expect(dataSource.options).toMatchObject({ schema: 'customers', synchronize: false });
      expect(dataSource.namingStrategy).toBeInstanceOf(SnakeNamingStrategy);
      expect(dataSource.hasMetadata(ProbeAggregate)).toBe(true);
      const probes = moduleRef.get<Repository<ProbeAggregate>>(getRepositoryToken(ProbeAggregate));
      expect(probes.metadata.tablePath).toBe('customers.probe_aggregate');
    } finally {
      await moduleRef.close();
    }
  });

  it('passes the factory the providers it injects', async () => {
    const URL_TOKEN = Symbol('database url');
    const moduleRef = await Test.createTestingModule({
      imports: [
        PersistenceModule.forService({
          service: 'sync',
          imports: [
            {
              module: class UrlModule {},
              providers: [{ provide: URL_TOKEN, useValue: database.roleUrl('sync') }],
              exports: [URL_TOKEN],
            },
          ],
          inject: [URL_TOKEN],
          useFactory: (url) => ({ url: url as string }),
          retryAttempts: 0,
        }),
      ],
    }).compile();
    try {
      const [session] = await moduleRef.get(DataSource).query('SELECT current_user');
      expect(session.current_user).toBe('fieldforce_sync');
    } finally {
      await moduleRef.close();
    }
  });
});
