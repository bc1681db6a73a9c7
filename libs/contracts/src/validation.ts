import { KindGuard, type TSchema } from '@sinclair/typebox';
import { type TypeCheck } from '@sinclair/typebox/compiler';
import { type ValueError, ValueErrorType } from '@sinclair/typebox/errors';
import { Value } from '@sinclair/typebox/value';

/** One reason a value does not match its schema: a readable path (`data.customer.contacts[0].email`) and what was expected. */
export interface ValidationIssue {
  path: string;
  message: string;
}

/** Thrown when an event (envelope or data) does not match its contract. */
export class EventValidationError extends Error {
  override readonly name = 'EventValidationError';

  constructor(
    readonly eventType: string,
    readonly issues: readonly ValidationIssue[],
  ) {
    super(`Event ${eventType} does not match its contract: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`);
  }
}

const MAX_ISSUES = 20;

/** The issues of `value` against a compiled schema, with paths rooted at `root`; empty when valid. */
export function collectIssues(check: TypeCheck<TSchema>, value: unknown, root: string): ValidationIssue[] {
  if (check.Check(value)) return [];
  const issues: ValidationIssue[] = [];
  for (const error of check.Errors(value)) {
    for (const leaf of leafErrors(error)) {
      const issue = { path: readablePath(root, leaf.path), message: leaf.message };
      // One issue per path: TypeBox may report a missing object both as missing and as not an object.
      if (!issues.some((i) => i.path === issue.path)) issues.push(issue);
    }
    if (issues.length >= MAX_ISSUES) break;
  }
  return issues;
}

// A union (e.g. `T | null`) reports only "Expected union value"; the branch whose first error
// lies deepest is the one the value was meant to match, so its errors are the useful ones.
function leafErrors(error: ValueError): ValueError[] {
  if (error.type !== ValueErrorType.Union || error.errors.length === 0) return [error];
  let best: ValueError[] = [];
  for (const branch of error.errors) {
    const branchErrors = [...branch].flatMap(leafErrors);
    const depth = Math.max(...branchErrors.map((e) => e.path.length));
    if (best.length === 0 || depth > Math.max(...best.map((e) => e.path.length))) best = branchErrors;
  }
  return best.length > 0 && best.some((e) => e.path.length > error.path.length) ? best : [error];
}

/** Turns a JSON pointer (`/customer/contacts/0/email`) into `data.customer.contacts[0].email`. */
function readablePath(root: string, pointer: string): string {
  const segments = pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  return segments.reduce((path, s) => (/^\d+$/.test(s) ? `${path}[${s}]` : `${path}.${s}`), root);
}

/**
 * Properties of `value` that its (open) schema does not declare, as issues: producers must send
 * exactly the contract so that nothing unintended (internal columns, masked fields) leaks out.
 * Call only on a value that passes the schema.
 */
export function collectUndeclaredProperties(schema: TSchema, value: unknown, root: string): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  walkUndeclared(schema, value, root, issues);
  return issues.slice(0, MAX_ISSUES);
}

function walkUndeclared(schema: TSchema, value: unknown, path: string, issues: ValidationIssue[]): void {
  if (KindGuard.IsObject(schema) && isPlainObject(value)) {
    for (const [key, child] of Object.entries(value)) {
      const declared = schema.properties[key];
      if (declared) walkUndeclared(declared, child, `${path}.${key}`, issues);
      else if (!KindGuard.IsSchema(schema.additionalProperties)) {
        issues.push({ path: `${path}.${key}`, message: 'Unexpected property (not in the contract)' });
      }
    }
  } else if (KindGuard.IsArray(schema) && Array.isArray(value)) {
    value.forEach((item, index) => walkUndeclared(schema.items, item, `${path}[${index}]`, issues));
  } else if (KindGuard.IsUnion(schema)) {
    const branch = schema.anyOf.find((candidate) => Value.Check(candidate, value));
    if (branch) walkUndeclared(branch, value, path, issues);
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
