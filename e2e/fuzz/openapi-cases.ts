/**
 * Invalid requests generated from an OpenAPI document: for every operation, path and query
 * parameters that break their schema, bodies that break theirs (wrong types, missing required
 * fields, unknown fields, malformed or oversized JSON, deep nesting, NUL bytes, lone surrogates,
 * prototype keys) and bad headers. Every case is invalid by construction, so a service must
 * answer each with a 4xx problem+json and write nothing.
 */
import { randomUUID } from 'node:crypto';

export interface FuzzCase {
  /** What is wrong with the request, for failure reports. */
  label: string;
  method: string;
  /** Path with query string, percent-encoded as sent. */
  url: string;
  headers: Record<string, string>;
  body?: string;
  /** The operation as documented (method and path template). */
  operation: string;
}

interface SchemaObject {
  $ref?: string;
  type?: string;
  format?: string;
  enum?: unknown[];
  pattern?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  items?: SchemaObject;
  properties?: Record<string, SchemaObject>;
  required?: string[];
  allOf?: SchemaObject[];
  oneOf?: SchemaObject[];
  anyOf?: SchemaObject[];
  nullable?: boolean;
}

interface ParameterObject {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: SchemaObject;
}

interface OperationObject {
  parameters?: ParameterObject[];
  security?: Record<string, string[]>[];
  requestBody?: { content?: Record<string, { schema?: SchemaObject }> };
}

export interface OpenApiDocument {
  paths: Record<string, Partial<Record<string, OperationObject>>>;
  components?: { schemas?: Record<string, SchemaObject> };
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
const NUL = '\u0000';
const LONE_SURROGATE = '\ud800';
/** Strings no API should store: a NUL byte, an unpaired surrogate, a 100 kB run, injection attempts with a NUL. */
const POISON_STRINGS = [`abc${NUL}def`, `x${LONE_SURROGATE}y`, 'x'.repeat(100_000), `' OR 1=1;--${NUL}`];
/** Query and path values that are not valid text once decoded (overlong UTF-8, a lone surrogate, a NUL). */
const BAD_ENCODINGS = ['%C0%AF', '%ED%A0%80', 'a%00b', '%E2%82', '%'];

function resolve(schema: SchemaObject | undefined, document: OpenApiDocument, depth = 0): SchemaObject | undefined {
  if (!schema || depth > 20) return schema;
  if (schema.$ref) return resolve(document.components?.schemas?.[schema.$ref.split('/').pop() ?? ''], document, depth + 1);
  if (schema.allOf?.length === 1) return resolve(schema.allOf[0], document, depth + 1);
  return schema;
}

/** Values that break a parameter's schema, as raw (already percent-encoded) strings. */
function invalidParameterValues(schema: SchemaObject | undefined, location: 'path' | 'query'): string[] {
  const values = [...BAD_ENCODINGS];
  if (!schema) return values;
  if (schema.format === 'uuid') values.push('not-a-uuid', "1'%20OR%20'1'='1", '00000000-0000-0000-0000-00000000000g');
  if (schema.type === 'integer' || schema.type === 'number') {
    values.push('abc', '1e309', 'NaN', '1.5.2', '--1');
    if (schema.minimum !== undefined) values.push(String(schema.minimum - 1));
    if (schema.maximum !== undefined) values.push(String(schema.maximum + 1));
  }
  if (schema.type === 'boolean') values.push('maybe', '2');
  if (schema.enum) values.push(encodeURIComponent(`${String(schema.enum[0])}-not-a-member`));
  if (schema.format === 'date-time' || schema.format === 'date') values.push('2026-13-45', 'yesterday', '2026-02-30T25:61:00Z');
  if (schema.maxLength !== undefined) values.push('x'.repeat(schema.maxLength + 1));
  if (location === 'path') values.push('x'.repeat(5_000));
  return [...new Set(values)];
}

/** A value of the wrong JSON type for `schema`. */
function wrongType(schema: SchemaObject | undefined): unknown[] {
  switch (schema?.type) {
    case 'string':
      return [12345, { $gt: '' }, ['a']];
    case 'integer':
    case 'number':
      return ['12', true, { $ne: 0 }];
    case 'boolean':
      return ['true', 1];
    case 'array':
      return [{ 0: 'a' }, 'a,b'];
    case 'object':
      return ['{}', 42, []];
    default:
      return [];
  }
}

/** A JSON text nested `depth` levels deep. */
function deeplyNested(depth: number): string {
  return `{"a":${'['.repeat(depth)}1${']'.repeat(depth)}}`;
}

function bodyCases(schema: SchemaObject | undefined, document: OpenApiDocument): { label: string; body: string }[] {
  const cases: { label: string; body: string }[] = [
    { label: 'malformed JSON', body: '{"name": "unterminated' },
    { label: 'JSON array instead of an object', body: '[1,2,3]' },
    { label: 'JSON null', body: 'null' },
    { label: 'JSON string', body: '"hello"' },
    { label: 'nesting 20,000 deep', body: deeplyNested(20_000) },
    { label: 'prototype keys', body: '{"__proto__":{"admin":true},"constructor":{"prototype":{"admin":true}}}' },
    { label: 'an unknown field', body: JSON.stringify({ [`unexpected_${randomUUID().slice(0, 8)}`]: 1 }) },
  ];
  const resolved = resolve(schema, document);
  const properties = Object.entries(resolved?.properties ?? {});
  const base: Record<string, unknown> = {};
  for (const [name, property] of properties) {
    const value = exampleValue(resolve(property, document));
    if (value !== undefined) base[name] = value;
  }
  for (const required of resolved?.required ?? []) {
    const { [required]: _, ...without } = base;
    cases.push({ label: `required ${required} missing`, body: JSON.stringify(without) });
  }
  for (const [name, property] of properties) {
    const target = resolve(property, document);
    for (const value of wrongType(target)) cases.push({ label: `${name} as ${JSON.stringify(value)}`, body: JSON.stringify({ ...base, [name]: value }) });
    if (target?.type === 'string') {
      for (const value of POISON_STRINGS) {
        // JSON.stringify keeps a lone surrogate as an escape, which is what a broken client sends.
        cases.push({ label: `${name} with ${describeString(value)}`, body: JSON.stringify({ ...base, [name]: value }) });
      }
    }
    if (target?.type === 'number' || target?.type === 'integer') {
      cases.push({ label: `${name} as 1e309`, body: JSON.stringify({ ...base, [name]: 0 }).replace(`"${name}":0`, `"${name}":1e309`) });
    }
  }
  return cases;
}

function describeString(value: string): string {
  if (value.includes(NUL)) return 'a NUL byte';
  if (value.includes(LONE_SURROGATE)) return 'a lone surrogate';
  return `${value.length} characters`;
}

/** A plausible value for a schema, so one broken field is the only thing wrong with a body. */
function exampleValue(schema: SchemaObject | undefined): unknown {
  if (!schema) return undefined;
  if (schema.enum?.length) return schema.enum[0];
  switch (schema.type) {
    case 'string':
      if (schema.format === 'uuid') return randomUUID();
      if (schema.format === 'date-time') return new Date().toISOString();
      if (schema.format === 'date') return new Date().toISOString().slice(0, 10);
      return 'fuzz';
    case 'integer':
    case 'number':
      return schema.minimum ?? 1;
    case 'boolean':
      return false;
    case 'array':
      return [];
    default:
      return undefined;
  }
}

function fillPath(template: string, overrides: Record<string, string> = {}): string {
  return template.replace(/\{([^}]+)\}/g, (_, name: string) => overrides[name] ?? randomUUID());
}

/**
 * Every invalid case for every operation of `document`, sent with `headers` (a valid token).
 * `bodyLimitBytes` sizes the oversized body.
 */
export function generateFuzzCases(document: OpenApiDocument, headers: Record<string, string>, bodyLimitBytes: number): FuzzCase[] {
  const cases: FuzzCase[] = [];
  const json = { ...headers, 'content-type': 'application/json' };
  for (const [template, item] of Object.entries(document.paths)) {
    for (const method of METHODS) {
      const operation = item[method];
      if (!operation) continue;
      const name = `${method.toUpperCase()} ${template}`;
      const parameters = operation.parameters ?? [];
      const bodySchema = operation.requestBody?.content?.['application/json']?.schema;
      const hasBody = operation.requestBody !== undefined;
      // The rest of the request is valid where it can be: a well-formed body or none.
      const validBody = hasBody ? '{}' : undefined;
      const add = (label: string, url: string, extra: Partial<FuzzCase> = {}): void => {
        cases.push({ label, method: method.toUpperCase(), url, headers: hasBody ? json : headers, body: validBody, operation: name, ...extra });
      };

      for (const parameter of parameters.filter((p) => p.in === 'path')) {
        for (const value of invalidParameterValues(resolve(parameter.schema, document), 'path')) {
          add(`path ${parameter.name}=${value.slice(0, 40)}`, fillPath(template, { [parameter.name]: value }));
        }
      }
      for (const parameter of parameters.filter((p) => p.in === 'query')) {
        for (const value of invalidParameterValues(resolve(parameter.schema, document), 'query')) {
          add(`query ${parameter.name}=${value.slice(0, 40)}`, `${fillPath(template)}?${encodeURIComponent(parameter.name)}=${value}`);
        }
      }
      if (hasBody) {
        for (const { label, body } of bodyCases(bodySchema, document)) add(`body: ${label}`, fillPath(template), { body });
        add('body over the size limit', fillPath(template), { body: JSON.stringify({ padding: 'x'.repeat(bodyLimitBytes + 1) }) });
        add('body as text/plain', fillPath(template), { headers: { ...headers, 'content-type': 'text/plain' }, body: 'name=fuzz' });
      }
      // Public routes (login, keys) answer without a token by design.
      if ((operation.security ?? []).length > 0) {
        add('no token', fillPath(template), { headers: hasBody ? { 'content-type': 'application/json' } : {} });
        add('a forged token', fillPath(template), {
          headers: { ...(hasBody ? json : headers), authorization: `Bearer ${forgedToken()}` },
        });
      }
      if (method === 'patch' || method === 'put' || method === 'delete') {
        add('If-Match garbage', fillPath(template), { headers: { ...(hasBody ? json : headers), 'if-match': '"abc", W/' } });
      }
      if (method !== 'get') {
        add('Idempotency-Key of 10,000 characters', fillPath(template), {
          headers: { ...(hasBody ? json : headers), 'idempotency-key': 'k'.repeat(10_000) },
        });
      }
    }
  }
  return cases;
}

/** A token-shaped string with an unsigned ("none") header: never to be accepted. */
function forgedToken(): string {
  const part = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none', typ: 'JWT' })}.${part({ sub: randomUUID(), tid: randomUUID(), roles: ['admin'], scope: 'all' })}.`;
}
