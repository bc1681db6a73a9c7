import { type FieldError } from '../errors/domain.exception';

/** Deepest nesting of objects and arrays a JSON body may have; real request bodies need a handful. */
export const MAX_JSON_DEPTH = 32;

const NUL = '\u0000';
// An unpaired UTF-16 surrogate: not text, cannot be stored as UTF-8.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function textProblem(value: string): string | undefined {
  if (value.includes(NUL)) return 'must not contain NUL characters';
  if (LONE_SURROGATE.test(value)) return 'must be valid Unicode text (it holds an unpaired surrogate)';
  return undefined;
}

// Any NUL or surrogate at all: a cheap screen, since only text holding one can hold a problem.
const SUSPECT_TEXT = /[\u0000\ud800-\udfff]/;

/**
 * Whether the body is certainly acceptable: within the depth and without any suspect character.
 * Builds no paths and allocates little, because it runs on every JSON request (a batch of 1,000
 * track points is ~10,000 values); when it says no, the full walk finds and names the problem.
 */
function plainlyAcceptable(body: unknown): boolean {
  const pending: unknown[] = [body];
  const depths: number[] = [0];
  while (pending.length > 0) {
    const value = pending.pop();
    const depth = depths.pop()!;
    if (typeof value === 'string') {
      if (SUSPECT_TEXT.test(value)) return false;
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    if (depth >= MAX_JSON_DEPTH) return false;
    if (Array.isArray(value)) {
      for (const item of value as unknown[]) {
        if (typeof item === 'object' && item !== null) {
          pending.push(item);
          depths.push(depth + 1);
        } else if (typeof item === 'string' && SUSPECT_TEXT.test(item)) return false;
      }
      continue;
    }
    for (const key of Object.keys(value)) {
      if (SUSPECT_TEXT.test(key)) return false;
      const item = (value as Record<string, unknown>)[key];
      if (typeof item === 'object' && item !== null) {
        pending.push(item);
        depths.push(depth + 1);
      } else if (typeof item === 'string' && SUSPECT_TEXT.test(item)) return false;
    }
  }
  return true;
}

/**
 * The first thing in a parsed JSON body no service may accept: nesting deeper than
 * `MAX_JSON_DEPTH`, or a string or key with a NUL character or an unpaired surrogate (Postgres
 * refuses both, and no client has a reason to send them). Walks iteratively, so a hostile depth
 * cannot overflow the stack.
 */
export function invalidJsonText(body: unknown): FieldError | undefined {
  if (plainlyAcceptable(body)) return undefined;
  const pending: { value: unknown; path: string; depth: number }[] = [{ value: body, path: '', depth: 0 }];
  while (pending.length > 0) {
    const { value, path, depth } = pending.pop()!;
    if (typeof value === 'string') {
      const problem = textProblem(value);
      if (problem) return { field: path || 'body', message: problem };
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    if (depth >= MAX_JSON_DEPTH) return { field: path || 'body', message: `must not nest deeper than ${MAX_JSON_DEPTH} levels` };
    for (const [key, item] of Object.entries(value)) {
      const itemPath = path ? `${path}.${key}` : key;
      const problem = textProblem(key);
      if (problem) return { field: itemPath, message: `field name ${problem}` };
      pending.push({ value: item, path: itemPath, depth: depth + 1 });
    }
  }
  return undefined;
}

/**
 * Why a request target cannot be read as text, if it cannot: a percent-escape that is not
 * UTF-8 (or is cut short), or a NUL character once decoded.
 */
export function invalidUrlText(url: string): FieldError | undefined {
  const queryStart = url.indexOf('?');
  const parts = queryStart < 0 ? [['path', url]] : [['path', url.slice(0, queryStart)], ['query', url.slice(queryStart + 1)]];
  for (const [field, raw] of parts as [string, string][]) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(raw.replace(/\+/g, ' '));
    } catch {
      return { field, message: 'must be percent-encoded UTF-8' };
    }
    if (decoded.includes(NUL)) return { field, message: 'must not contain NUL characters' };
  }
  return undefined;
}
