import { Type } from '@sinclair/typebox';
import { breakingChanges, type JsonSchema } from './schema-compatibility';

const plain = (schema: unknown): JsonSchema => JSON.parse(JSON.stringify(schema)) as JsonSchema;

const released = plain(
  Type.Object({
    id: Type.String({ format: 'uuid' }),
    name: Type.String({ minLength: 1, maxLength: 200 }),
    grade: Type.Union([Type.Literal('A'), Type.Literal('B'), Type.Literal('C')]),
    note: Type.Optional(Type.String()),
    ownerId: Type.Union([Type.String({ format: 'uuid' }), Type.Null()]),
    tags: Type.Array(Type.String()),
    address: Type.Object({ city: Type.String(), zip: Type.Optional(Type.String()) }),
    customFields: Type.Record(Type.String(), Type.Unknown()),
  }),
);

function changed(mutate: (properties: Record<string, unknown>) => void, required?: string[]): JsonSchema {
  const copy = plain(released) as { properties: Record<string, unknown>; required: string[] };
  mutate(copy.properties);
  if (required) copy.required = required;
  return copy;
}

describe(breakingChanges.name, () => {
  it('accepts the same schema', () => {
    expect(breakingChanges(released, plain(released))).toEqual([]);
  });

  it('accepts added optional fields, also nested', () => {
    const current = changed((properties) => {
      properties['phone'] = plain(Type.String());
      properties['address'] = plain(Type.Object({ city: Type.String(), zip: Type.Optional(Type.String()), street: Type.Optional(Type.String()) }));
    });
    expect(breakingChanges(released, current)).toEqual([]);
  });

  it('accepts a widened enum', () => {
    const current = changed((properties) => {
      properties['grade'] = plain(Type.Union(['A', 'B', 'C', 'D'].map((grade) => Type.Literal(grade))));
    });
    expect(breakingChanges(released, current)).toEqual([]);
  });

  it('rejects a removed field', () => {
    const current = changed((properties) => delete properties['note']);
    expect(breakingChanges(released, current)).toEqual([{ path: 'data.note', message: 'removed' }]);
  });

  it('rejects a changed type, also inside arrays and nested objects', () => {
    const current = changed((properties) => {
      properties['name'] = plain(Type.Number());
      properties['tags'] = plain(Type.Array(Type.Integer()));
      properties['address'] = plain(Type.Object({ city: Type.Boolean(), zip: Type.Optional(Type.String()) }));
    });
    expect(breakingChanges(released, current).map((change) => change.path)).toEqual(['data.name', 'data.tags[]', 'data.address.city']);
  });

  it('rejects an optional field made required and a new required field', () => {
    const current = changed((properties) => (properties['phone'] = plain(Type.String())), [...(released['required'] as string[]), 'note', 'phone']);
    expect(breakingChanges(released, current)).toEqual([
      { path: 'data.note', message: 'made required' },
      { path: 'data.phone', message: 'added as required (new fields must be optional)' },
    ]);
  });

  it('rejects a narrowed enum and a nullable field made non-null', () => {
    const current = changed((properties) => {
      properties['grade'] = plain(Type.Union([Type.Literal('A'), Type.Literal('B')]));
      properties['ownerId'] = plain(Type.String({ format: 'uuid' }));
    });
    expect(breakingChanges(released, current)).toEqual([
      { path: 'data.grade', message: 'no longer accepts "C"' },
      { path: 'data.ownerId', message: 'no longer accepts "null"' },
    ]);
  });

  it('rejects tightened constraints and accepts loosened ones', () => {
    const tightened = changed((properties) => (properties['name'] = plain(Type.String({ minLength: 2, maxLength: 100 }))));
    const loosened = changed((properties) => (properties['name'] = plain(Type.String({ maxLength: 500 }))));
    expect(breakingChanges(released, tightened)).toEqual([
      { path: 'data.name', message: 'minLength raised to 2' },
      { path: 'data.name', message: 'maxLength lowered to 100' },
    ]);
    expect(breakingChanges(released, loosened)).toEqual([]);
  });

  it('rejects a changed map value type', () => {
    const current = changed((properties) => (properties['customFields'] = plain(Type.Record(Type.String(), Type.String()))));
    expect(breakingChanges(released, current)).not.toEqual([]);
  });
});
