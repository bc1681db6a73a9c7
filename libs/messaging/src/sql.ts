const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** The schema name double-quoted for SQL; only plain lowercase identifiers are accepted, so quoting is safe. */
export function quoteSchema(schema: string): string {
  if (!SCHEMA_NAME.test(schema)) throw new Error(`Invalid schema name "${schema}"`);
  return `"${schema}"`;
}

/** 32-bit FNV-1a: a hash that is the same in every process and version, unlike Postgres's internal ones. */
export function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}
