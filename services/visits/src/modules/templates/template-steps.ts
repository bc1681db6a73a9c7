import { type FieldError } from '@fieldforce/platform';

export const STEP_TYPES = ['check-in', 'photo', 'form', 'inventory', 'order', 'signature', 'check-out'] as const;
export type StepType = (typeof STEP_TYPES)[number];

export const FORM_FIELD_TYPES = ['text', 'number', 'single-choice', 'multi-choice', 'date', 'boolean'] as const;
export type FormFieldType = (typeof FORM_FIELD_TYPES)[number];

/** One typed field of a form step; `min`/`max` bound numbers, `options` list the choices. */
export interface FormField {
  key: string;
  label: string;
  type: FormFieldType;
  required: boolean;
  min?: number;
  max?: number;
  options?: string[];
}

interface StepBase {
  key: string;
  required: boolean;
}

/** One step of a visit, in the order the rep performs them. */
export type TemplateStep =
  | (StepBase & { type: 'check-in' | 'order' | 'signature' | 'check-out' | 'inventory' })
  | (StepBase & { type: 'photo'; minCount: number })
  | (StepBase & { type: 'form'; fields: FormField[] });

const KEY = /^[a-z][a-zA-Z0-9_-]{0,63}$/;

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isOneOf = <T extends string>(values: readonly T[], value: unknown): value is T => values.includes(value as T);

function parseField(raw: unknown, path: string, errors: FieldError[]): FormField | undefined {
  if (!isRecord(raw)) return void errors.push({ field: path, message: 'must be an object' });
  const before = errors.length;
  if (typeof raw.key !== 'string' || !KEY.test(raw.key)) errors.push({ field: `${path}.key`, message: 'must be a key like "shelfState"' });
  if (!isOneOf(FORM_FIELD_TYPES, raw.type)) errors.push({ field: `${path}.type`, message: `must be one of ${FORM_FIELD_TYPES.join(', ')}` });
  if (typeof raw.required !== 'boolean') errors.push({ field: `${path}.required`, message: 'must be a boolean' });
  const label = raw.label === undefined ? raw.key : raw.label;
  if (typeof label !== 'string') errors.push({ field: `${path}.label`, message: 'must be a string' });
  for (const bound of ['min', 'max'] as const) {
    if (raw[bound] !== undefined && (raw.type !== 'number' || typeof raw[bound] !== 'number' || !Number.isFinite(raw[bound]))) {
      errors.push({ field: `${path}.${bound}`, message: 'is a finite number, for number fields only' });
    }
  }
  if (typeof raw.min === 'number' && typeof raw.max === 'number' && raw.min > raw.max) {
    errors.push({ field: `${path}.max`, message: 'must not be below min' });
  }
  const choice = raw.type === 'single-choice' || raw.type === 'multi-choice';
  const options = raw.options;
  if (choice && (!Array.isArray(options) || options.length === 0 || options.some((option) => typeof option !== 'string') || new Set(options).size !== options.length)) {
    errors.push({ field: `${path}.options`, message: 'must list distinct string choices' });
  } else if (!choice && options !== undefined) {
    errors.push({ field: `${path}.options`, message: 'is for choice fields only' });
  }
  if (errors.length > before) return undefined;
  const field: FormField = { key: raw.key as string, label: label as string, type: raw.type as FormFieldType, required: raw.required as boolean };
  if (typeof raw.min === 'number') field.min = raw.min;
  if (typeof raw.max === 'number') field.max = raw.max;
  if (choice) field.options = options as string[];
  return field;
}

function parseStep(raw: unknown, path: string, errors: FieldError[]): TemplateStep | undefined {
  if (!isRecord(raw)) return void errors.push({ field: path, message: 'must be an object' });
  const before = errors.length;
  if (typeof raw.key !== 'string' || !KEY.test(raw.key)) errors.push({ field: `${path}.key`, message: 'must be a key like "shelfPhotos"' });
  if (!isOneOf(STEP_TYPES, raw.type)) errors.push({ field: `${path}.type`, message: `must be one of ${STEP_TYPES.join(', ')}` });
  if (typeof raw.required !== 'boolean') errors.push({ field: `${path}.required`, message: 'must be a boolean' });
  if (errors.length > before) return undefined;
  const base = { key: raw.key as string, required: raw.required as boolean };
  const type = raw.type as StepType;
  switch (type) {
    case 'photo': {
      const minCount = raw.minCount ?? 1;
      if (typeof minCount !== 'number' || !Number.isInteger(minCount) || minCount < 1 || minCount > 50) {
        return void errors.push({ field: `${path}.minCount`, message: 'must be an integer from 1 to 50' });
      }
      return { ...base, type, minCount };
    }
    case 'form': {
      if (!Array.isArray(raw.fields) || raw.fields.length === 0) return void errors.push({ field: `${path}.fields`, message: 'must list at least one field' });
      const fields = raw.fields.map((field, index) => parseField(field, `${path}.fields.${index}`, errors));
      const keys = fields.flatMap((field) => (field ? [field.key] : []));
      if (new Set(keys).size !== keys.length) errors.push({ field: `${path}.fields`, message: 'field keys must be distinct' });
      if (errors.length > before) return undefined;
      return { ...base, type, fields: fields as FormField[] };
    }
    case 'check-in':
    case 'inventory':
    case 'order':
    case 'signature':
    case 'check-out':
      return { ...base, type };
    default: {
      const unhandled: never = type;
      throw new TypeError(`unhandled step type ${String(unhandled)}`);
    }
  }
}

/** Reads a template's steps from untrusted input: the typed steps, or every problem found by path (`steps.2.fields.0.options`). */
export function parseTemplateSteps(raw: unknown): { steps: TemplateStep[]; errors: FieldError[] } {
  const errors: FieldError[] = [];
  if (!Array.isArray(raw) || raw.length === 0) return { steps: [], errors: [{ field: 'steps', message: 'must list at least one step' }] };
  const steps = raw.map((step, index) => parseStep(step, `steps.${index}`, errors));
  const keys = steps.flatMap((step) => (step ? [step.key] : []));
  if (new Set(keys).size !== keys.length) errors.push({ field: 'steps', message: 'step keys must be distinct' });
  return { steps: errors.length === 0 ? (steps as TemplateStep[]) : [], errors };
}
