import { mergeOpenApiDocuments, type OpenApiDocument } from './openapi-merge';

const doc = (paths: Record<string, unknown>, schemas: Record<string, unknown>): OpenApiDocument => ({
  openapi: '3.0.0',
  info: { title: 't', version: '1' },
  paths,
  components: { schemas },
});

describe(mergeOpenApiDocuments.name, () => {
  it('keeps every path and schema of every service', () => {
    const merged = mergeOpenApiDocuments({ title: 'all', version: '1' }, [
      { service: 'customers', document: doc({ '/api/v1/customers': { get: {} } }, { Customer: { type: 'object' } }) },
      { service: 'visits', document: doc({ '/api/v1/visit-tasks': { get: {} } }, { VisitTask: { type: 'object' } }) },
    ]);

    expect(Object.keys(merged.paths)).toEqual(['/api/v1/customers', '/api/v1/visit-tasks']);
    expect(Object.keys(merged.components!.schemas!)).toEqual(['Customer', 'VisitTask']);
  });

  it('renames a schema two services define differently and rewrites their references', () => {
    const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
    const merged = mergeOpenApiDocuments({ title: 'all', version: '1' }, [
      { service: 'customers', document: doc({ '/a': { get: { schema: ref('GeoPoint') } } }, { GeoPoint: { required: ['lat'] } }) },
      { service: 'checkins', document: doc({ '/b': { get: { schema: ref('GeoPoint') } } }, { GeoPoint: { required: ['lng'] } }) },
    ]);

    expect(merged.components!.schemas).toEqual({
      'customers.GeoPoint': { required: ['lat'] },
      'checkins.GeoPoint': { required: ['lng'] },
    });
    expect(merged.paths['/a']).toEqual({ get: { schema: ref('customers.GeoPoint') } });
    expect(merged.paths['/b']).toEqual({ get: { schema: ref('checkins.GeoPoint') } });
  });

  it('keeps one copy of a schema defined identically by several services', () => {
    const merged = mergeOpenApiDocuments({ title: 'all', version: '1' }, [
      { service: 'customers', document: doc({}, { Problem: { type: 'object' } }) },
      { service: 'visits', document: doc({}, { Problem: { type: 'object' } }) },
    ]);

    expect(merged.components!.schemas).toEqual({ Problem: { type: 'object' } });
  });
});
