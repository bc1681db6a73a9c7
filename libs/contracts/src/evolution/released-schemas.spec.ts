import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { findEventDefinition } from '../registry';
import { breakingChanges, type JsonSchema } from './schema-compatibility';

// Written by `npm run contracts:release`; one file per event type released so far.
const RELEASED_DIR = path.resolve(__dirname, '..', '..', 'released');

interface ReleasedEvent {
  type: string;
  topic: string;
  schema: JsonSchema;
}

const released = readdirSync(RELEASED_DIR)
  .filter((file) => file.endsWith('.json'))
  .map((file) => JSON.parse(readFileSync(path.join(RELEASED_DIR, file), 'utf8')) as ReleasedEvent);

describe('released event schemas', () => {
  it('has snapshots to compare against', () => {
    expect(released.length).toBeGreaterThan(0);
  });

  it.each(released.map((event) => [event.type, event] as const))('%s is still registered on the same topic', (_type, event) => {
    expect(findEventDefinition(event.type)?.topic).toBe(event.topic);
  });

  it.each(released.map((event) => [event.type, event] as const))('%s changed only additively since its release', (_type, event) => {
    const definition = findEventDefinition(event.type);
    const current = JSON.parse(JSON.stringify(definition?.schema ?? {})) as JsonSchema;
    expect(breakingChanges(event.schema, current)).toEqual([]);
  });
});
