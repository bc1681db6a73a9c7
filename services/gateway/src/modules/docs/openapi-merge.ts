/** The parts of an OpenAPI 3 document the gateway merges. */
export interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string; description?: string; [key: string]: unknown };
  paths: Record<string, unknown>;
  components?: { schemas?: Record<string, unknown>; [key: string]: unknown };
  tags?: { name: string; description?: string }[];
  [key: string]: unknown;
}

const SCHEMA_REF = '#/components/schemas/';

// Rewrites `$ref`s of renamed schemas anywhere in a JSON value.
function renameRefs(value: unknown, renames: Map<string, string>): unknown {
  if (Array.isArray(value)) return value.map((item) => renameRefs(item, renames));
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => {
      if (key === '$ref' && typeof item === 'string' && item.startsWith(SCHEMA_REF)) {
        const name = item.slice(SCHEMA_REF.length);
        return [key, SCHEMA_REF + (renames.get(name) ?? name)];
      }
      return [key, renameRefs(item, renames)];
    }),
  );
}

/**
 * Merges the services' documents into one: every path as its service serves it, schemas kept
 * under their own names unless two services define one name differently (then `<service>.<Name>`).
 */
export function mergeOpenApiDocuments(
  info: OpenApiDocument['info'],
  documents: { service: string; document: OpenApiDocument }[],
): OpenApiDocument {
  const definitions = new Map<string, Set<string>>();
  for (const { document } of documents) {
    for (const [name, schema] of Object.entries(document.components?.schemas ?? {})) {
      definitions.set(name, (definitions.get(name) ?? new Set()).add(JSON.stringify(schema)));
    }
  }
  const merged: OpenApiDocument = { openapi: '3.0.0', info, paths: {}, components: { schemas: {} }, tags: [] };
  for (const { service, document } of documents) {
    const renames = new Map(
      [...definitions].filter(([name, variants]) => variants.size > 1 && document.components?.schemas?.[name]).map(([name]) => [name, `${service}.${name}`]),
    );
    const renamed = renameRefs(document, renames) as OpenApiDocument;
    Object.assign(merged.paths, renamed.paths);
    for (const [name, schema] of Object.entries(renamed.components?.schemas ?? {})) {
      merged.components!.schemas![renames.get(name) ?? name] = schema;
    }
    for (const tag of renamed.tags ?? []) {
      if (!merged.tags!.some((known) => known.name === tag.name)) merged.tags!.push(tag);
    }
  }
  return merged;
}
