import { type CustomFieldDefinitionState } from '@fieldforce/contracts';
import { type FieldError } from '@fieldforce/platform';

/** One field of a tenant's customers' `customFields` (see the settings contract). */
export type CustomFieldDefinition = CustomFieldDefinitionState;

/** Most fields one tenant defines, and most options one choice offers. */
export const MAX_CUSTOM_FIELDS = 100;
export const MAX_CHOICE_OPTIONS = 200;
/** Longest text value of a custom field. */
export const MAX_CUSTOM_TEXT_LENGTH = 2_000;

const KEY = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Why a list of field definitions cannot be a tenant's (paths `customFields[i].<member>`); empty when it can. */
export function definitionIssues(definitions: readonly CustomFieldDefinition[], field = 'customFields'): FieldError[] {
  const issues: FieldError[] = [];
  if (definitions.length > MAX_CUSTOM_FIELDS) return [{ field, message: `may define at most ${MAX_CUSTOM_FIELDS} fields` }];
  const seen = new Set<string>();
  definitions.forEach((definition, index) => {
    const at = `${field}[${index}]`;
    if (!KEY.test(definition.key)) issues.push({ field: `${at}.key`, message: 'must be a letter then letters, digits or _ (at most 64)' });
    else if (seen.has(definition.key)) issues.push({ field: `${at}.key`, message: `repeats the key ${definition.key}` });
    seen.add(definition.key);
    const bounded = definition.min !== undefined || definition.max !== undefined;
    if (bounded && definition.type !== 'number') issues.push({ field: `${at}.min`, message: 'min and max bound number fields only' });
    if (definition.min !== undefined && definition.max !== undefined && definition.min > definition.max) {
      issues.push({ field: `${at}.max`, message: 'must not be below min' });
    }
    const choices = definition.type === 'choice' || definition.type === 'multi-choice';
    if (choices) {
      const options = definition.options ?? [];
      if (options.length === 0 || options.length > MAX_CHOICE_OPTIONS) {
        issues.push({ field: `${at}.options`, message: `a ${definition.type} field needs 1 to ${MAX_CHOICE_OPTIONS} options` });
      } else if (new Set(options).size !== options.length) {
        issues.push({ field: `${at}.options`, message: 'must not repeat an option' });
      }
    } else if (definition.options !== undefined) {
      issues.push({ field: `${at}.options`, message: 'only choice and multi-choice fields have options' });
    }
  });
  return issues;
}

/**
 * Why `values` is not a valid `customFields` object under the tenant's definitions (paths
 * `customFields.<key>`): an unknown key, a value of the wrong type or out of bounds, a missing
 * required field. `null` stands for no value. Empty when valid.
 */
export function customFieldIssues(definitions: readonly CustomFieldDefinition[], values: unknown, field = 'customFields'): FieldError[] {
  if (!isRecord(values)) return [{ field, message: 'must be an object' }];
  const byKey = new Map(definitions.map((definition) => [definition.key, definition]));
  const issues: FieldError[] = [];
  for (const [key, value] of Object.entries(values)) {
    const definition = byKey.get(key);
    if (!definition) {
      issues.push({ field: `${field}.${key}`, message: "is not one of this tenant's customer fields" });
      continue;
    }
    if (value === null) continue;
    const problem = valueProblem(definition, value);
    if (problem) issues.push({ field: `${field}.${key}`, message: problem });
  }
  for (const definition of definitions) {
    if (definition.required && (values[definition.key] === undefined || values[definition.key] === null)) {
      issues.push({ field: `${field}.${definition.key}`, message: 'is required' });
    }
  }
  return issues;
}

function valueProblem(definition: CustomFieldDefinition, value: unknown): string | undefined {
  switch (definition.type) {
    case 'text':
      if (typeof value !== 'string') return 'must be a text';
      return value.length > MAX_CUSTOM_TEXT_LENGTH ? `must be at most ${MAX_CUSTOM_TEXT_LENGTH} characters` : undefined;
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) return 'must be a finite number';
      if (definition.min !== undefined && value < definition.min) return `must be at least ${definition.min}`;
      if (definition.max !== undefined && value > definition.max) return `must be at most ${definition.max}`;
      return undefined;
    case 'boolean':
      return typeof value === 'boolean' ? undefined : 'must be true or false';
    case 'date':
      return typeof value === 'string' && isCalendarDate(value) ? undefined : 'must be a date YYYY-MM-DD';
    case 'choice':
      return typeof value === 'string' && definition.options?.includes(value) ? undefined : `must be one of ${definition.options?.join(', ')}`;
    case 'multi-choice': {
      if (!Array.isArray(value) || !value.every((item) => typeof item === 'string' && definition.options?.includes(item))) {
        return `must be a list of ${definition.options?.join(', ')}`;
      }
      return new Set(value).size === value.length ? undefined : 'must not repeat an option';
    }
    default: {
      const unknownType: never = definition.type;
      return `has an unknown type ${String(unknownType)}`;
    }
  }
}

function isCalendarDate(text: string): boolean {
  const match = DATE.exec(text);
  if (!match) return false;
  const [, year, month, day] = match.map(Number) as [number, number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}
