/**
 * `npm run contracts:release`: records the payload schema of every registered event type as released,
 * one JSON file per type under libs/contracts/released/. The contracts tests then refuse any change
 * to a released schema that is not additive (docs/events.md). Run it when cutting a release.
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { eventDefinitions } from '@fieldforce/contracts';

export const RELEASED_DIR = path.resolve(__dirname, '..', 'libs', 'contracts', 'released');

/** The snapshot text of one event type's payload schema as committed under libs/contracts/released/. */
export function releasedSnapshot(definition: (typeof eventDefinitions)[number]): string {
  return `${JSON.stringify({ type: definition.type, topic: definition.topic, schema: definition.schema }, null, 2)}\n`;
}

if (require.main === module) {
  mkdirSync(RELEASED_DIR, { recursive: true });
  const current = new Set(eventDefinitions.map((definition) => `${definition.type}.json`));
  // A released type that is no longer registered keeps its snapshot: the test then reports it as removed.
  const kept = readdirSync(RELEASED_DIR).filter((file) => !current.has(file));
  for (const definition of eventDefinitions) writeFileSync(path.join(RELEASED_DIR, `${definition.type}.json`), releasedSnapshot(definition));
  process.stdout.write(`Recorded ${eventDefinitions.length} event schemas as released in ${path.relative(process.cwd(), RELEASED_DIR)}\n`);
  if (kept.length > 0) process.stdout.write(`Still released but no longer registered: ${kept.join(', ')}\n`);
}
