import { type VisitFormValue, type VisitStepAnswer } from '@fieldforce/contracts';
import { type FieldError, type UploadReference } from '@fieldforce/platform';
import { type FormField, type TemplateStep } from '../templates/template-steps';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MAX_TEXT = 2_000;
const MAX_NAME = 200;
const MAX_ROWS = 500;
const MAX_PHOTOS = 50;
const MAX_QUANTITY = 1_000_000;

/** What each step type's answer holds; the check-in and check-out steps are answered by the check-ins. */
const ANSWER_PROPERTIES: Record<TemplateStep['type'], readonly (keyof VisitStepAnswer)[]> = {
  'check-in': [],
  'check-out': [],
  photo: ['photoUploadIds'],
  form: ['values'],
  inventory: ['items'],
  order: ['lines'],
  signature: ['uploadId', 'signerName'],
};

/** True for the steps a visit report answers (all but check-in and check-out). */
export const isReportedStep = (step: TemplateStep): boolean => step.type !== 'check-in' && step.type !== 'check-out';

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function isCalendarDate(value: string): boolean {
  const match = DATE.exec(value);
  if (!match) return false;
  const [, year, month, day] = match;
  const date = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
  return date.toISOString().slice(0, 10) === value;
}

function describeRange(field: FormField): string {
  if (field.min !== undefined && field.max !== undefined) return `must be a number from ${field.min} to ${field.max}`;
  if (field.min !== undefined) return `must be a number of at least ${field.min}`;
  if (field.max !== undefined) return `must be a number of at most ${field.max}`;
  return 'must be a number';
}

// The value of one form field, or undefined with the problem recorded; absent (undefined/null) is handled by the caller.
function fieldValue(field: FormField, value: unknown, path: string, errors: FieldError[]): VisitFormValue | undefined {
  const fail = (message: string): undefined => void errors.push({ field: path, message });
  switch (field.type) {
    case 'text':
      if (typeof value !== 'string') return fail('must be a text');
      if (value.length > MAX_TEXT) return fail(`must be at most ${MAX_TEXT} characters`);
      if (field.required && value.trim() === '') return fail('is required');
      return value;
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) return fail(describeRange(field));
      if ((field.min !== undefined && value < field.min) || (field.max !== undefined && value > field.max)) return fail(describeRange(field));
      return value;
    case 'single-choice':
      if (typeof value !== 'string' || !field.options?.includes(value)) return fail(`must be one of ${field.options?.join(', ') ?? ''}`);
      return value;
    case 'multi-choice': {
      const options = field.options ?? [];
      if (!Array.isArray(value) || value.some((choice) => typeof choice !== 'string' || !options.includes(choice)) || new Set(value).size !== value.length) {
        return fail(`must list distinct choices of ${options.join(', ')}`);
      }
      if (field.required && value.length === 0) return fail('is required: choose at least one');
      return value as string[];
    }
    case 'date':
      if (typeof value !== 'string' || !isCalendarDate(value)) return fail('must be a date YYYY-MM-DD');
      return value;
    case 'boolean':
      if (typeof value !== 'boolean') return fail('must be true or false');
      return value;
    default: {
      const unhandled: never = field.type;
      throw new TypeError(`unhandled form field type ${String(unhandled)}`);
    }
  }
}

function formAnswer(step: Extract<TemplateStep, { type: 'form' }>, answer: Record<string, unknown>, path: string, errors: FieldError[]): VisitStepAnswer {
  const raw = answer.values ?? {};
  if (!isRecord(raw)) {
    errors.push({ field: `${path}.values`, message: 'must be an object of field values by field key' });
    return {};
  }
  const fields = new Map(step.fields.map((field) => [field.key, field]));
  for (const key of Object.keys(raw)) {
    if (!fields.has(key)) errors.push({ field: `${path}.values.${key}`, message: 'is no field of this form' });
  }
  const values: Record<string, VisitFormValue> = {};
  for (const field of step.fields) {
    const value = raw[field.key];
    const fieldPath = `${path}.values.${field.key}`;
    if (value === undefined || value === null) {
      if (field.required) errors.push({ field: fieldPath, message: 'is required' });
      continue;
    }
    const checked = fieldValue(field, value, fieldPath, errors);
    if (checked !== undefined) values[field.key] = checked;
  }
  return { values };
}

function photoAnswer(step: Extract<TemplateStep, { type: 'photo' }>, answer: Record<string, unknown>, path: string, errors: FieldError[]): VisitStepAnswer {
  const ids = answer.photoUploadIds;
  const field = `${path}.photoUploadIds`;
  if (!Array.isArray(ids)) {
    errors.push({ field, message: `must list the upload ids of at least ${step.minCount} photo(s)` });
    return {};
  }
  const before = errors.length;
  ids.forEach((id, index) => {
    if (typeof id !== 'string' || !UUID.test(id)) errors.push({ field: `${field}.${index}`, message: 'must be an upload id (UUID)' });
  });
  if (errors.length === before && new Set(ids.map((id: string) => id.toLowerCase())).size !== ids.length) {
    errors.push({ field, message: 'must not list a photo twice' });
  }
  if (ids.length < step.minCount) errors.push({ field, message: `needs at least ${step.minCount} photo(s), got ${ids.length}` });
  if (ids.length > MAX_PHOTOS) errors.push({ field, message: `takes at most ${MAX_PHOTOS} photos` });
  return { photoUploadIds: ids as string[] };
}

function productName(value: unknown, path: string, errors: FieldError[]): string | undefined {
  if (typeof value === 'string' && value.trim() !== '' && value.length <= MAX_NAME) return value;
  return void errors.push({ field: path, message: `must be a product (1 to ${MAX_NAME} characters)` });
}

function count(value: unknown, minimum: number, path: string, errors: FieldError[]): number | undefined {
  if (typeof value === 'number' && Number.isInteger(value) && value >= minimum && value <= MAX_QUANTITY) return value;
  return void errors.push({ field: path, message: `must be a whole number from ${minimum} to ${MAX_QUANTITY}` });
}

// Rows of an inventory or order step: a non-empty list of objects with only `allowed` properties.
function rows(list: unknown, path: string, allowed: readonly string[], errors: FieldError[]): Record<string, unknown>[] | undefined {
  if (!Array.isArray(list) || list.length === 0 || list.length > MAX_ROWS) {
    return void errors.push({ field: path, message: `must list 1 to ${MAX_ROWS} products` });
  }
  const valid: Record<string, unknown>[] = [];
  list.forEach((row: unknown, index) => {
    if (!isRecord(row)) return void errors.push({ field: `${path}.${index}`, message: 'must be an object' });
    for (const key of Object.keys(row)) {
      if (!allowed.includes(key)) errors.push({ field: `${path}.${index}.${key}`, message: `is not a property here (${allowed.join(', ')})` });
    }
    valid.push(row);
  });
  return valid;
}

function inventoryAnswer(answer: Record<string, unknown>, path: string, errors: FieldError[]): VisitStepAnswer {
  const list = rows(answer.items, `${path}.items`, ['product', 'quantity', 'facings'], errors);
  if (!list) return {};
  const items = list.map((row, index) => {
    const product = productName(row.product, `${path}.items.${index}.product`, errors);
    const quantity = count(row.quantity, 0, `${path}.items.${index}.quantity`, errors);
    const facings = row.facings === undefined ? undefined : count(row.facings, 0, `${path}.items.${index}.facings`, errors);
    return { product: product ?? '', quantity: quantity ?? 0, ...(facings === undefined ? {} : { facings }) };
  });
  return { items };
}

function orderAnswer(answer: Record<string, unknown>, path: string, errors: FieldError[]): VisitStepAnswer {
  const list = rows(answer.lines, `${path}.lines`, ['product', 'quantity'], errors);
  if (!list) return {};
  const lines = list.map((row, index) => ({
    product: productName(row.product, `${path}.lines.${index}.product`, errors) ?? '',
    quantity: count(row.quantity, 1, `${path}.lines.${index}.quantity`, errors) ?? 1,
  }));
  return { lines };
}

function signatureAnswer(answer: Record<string, unknown>, path: string, errors: FieldError[]): VisitStepAnswer {
  const { uploadId, signerName } = answer;
  if (typeof uploadId !== 'string' || !UUID.test(uploadId)) errors.push({ field: `${path}.uploadId`, message: 'must be the upload id (UUID) of the signature' });
  if (typeof signerName !== 'string' || signerName.trim() === '' || signerName.length > MAX_NAME) {
    errors.push({ field: `${path}.signerName`, message: `must name who signed (1 to ${MAX_NAME} characters)` });
  }
  return { uploadId: uploadId as string, signerName: signerName as string };
}

function stepAnswer(step: TemplateStep, answer: Record<string, unknown>, path: string, errors: FieldError[]): VisitStepAnswer {
  switch (step.type) {
    case 'photo':
      return photoAnswer(step, answer, path, errors);
    case 'form':
      return formAnswer(step, answer, path, errors);
    case 'inventory':
      return inventoryAnswer(answer, path, errors);
    case 'order':
      return orderAnswer(answer, path, errors);
    case 'signature':
      return signatureAnswer(answer, path, errors);
    case 'check-in':
    case 'check-out':
      return {};
    default: {
      const unhandled: never = step;
      throw new TypeError(`unhandled step ${JSON.stringify(unhandled)}`);
    }
  }
}

/**
 * Checks a report's answers (by step key) against the steps of the task's template version: every
 * required step answered, each answer as its step type and settings demand, nothing unknown. Answers
 * the checked answers, or every problem by path (`answers.survey.values.stock`), never just the first.
 */
export function checkReportAnswers(steps: readonly TemplateStep[], raw: unknown): { answers: Record<string, VisitStepAnswer>; errors: FieldError[] } {
  const errors: FieldError[] = [];
  if (!isRecord(raw)) return { answers: {}, errors: [{ field: 'answers', message: 'must be an object of answers by step key' }] };
  const byKey = new Map(steps.map((step) => [step.key, step]));
  for (const key of Object.keys(raw)) {
    const step = byKey.get(key);
    if (!step) errors.push({ field: `answers.${key}`, message: "is no step of the task's template version" });
    else if (!isReportedStep(step)) errors.push({ field: `answers.${key}`, message: `is a ${step.type} step: the check-ins record it, not the report` });
  }
  const answers: Record<string, VisitStepAnswer> = {};
  for (const step of steps.filter(isReportedStep)) {
    const answer = raw[step.key];
    const path = `answers.${step.key}`;
    if (answer === undefined || answer === null) {
      if (step.required) errors.push({ field: path, message: `is a required ${step.type} step` });
      continue;
    }
    if (!isRecord(answer)) {
      errors.push({ field: path, message: 'must be an object' });
      continue;
    }
    for (const key of Object.keys(answer)) {
      if (!(ANSWER_PROPERTIES[step.type] as readonly string[]).includes(key)) {
        errors.push({ field: `${path}.${key}`, message: `is not part of a ${step.type} answer (${ANSWER_PROPERTIES[step.type].join(', ')})` });
      }
    }
    answers[step.key] = stepAnswer(step, answer, path, errors);
  }
  return { answers: errors.length === 0 ? answers : {}, errors };
}

/**
 * The uploads checked answers refer to (a photo step's photos, a signature), by answer path
 * (`answers.shelf.photoUploadIds.0`, `answers.sign.uploadId`), in step order: each must be a verified
 * upload of the reporting user before the report is stored.
 */
export function uploadReferences(steps: readonly TemplateStep[], answers: Record<string, VisitStepAnswer>): UploadReference[] {
  return steps.flatMap((step) => {
    const answer = answers[step.key];
    const path = `answers.${step.key}`;
    if (!answer) return [];
    switch (step.type) {
      case 'photo':
        return (answer.photoUploadIds ?? []).map((uploadId, index) => ({ field: `${path}.photoUploadIds.${index}`, uploadId }));
      case 'signature':
        return answer.uploadId === undefined ? [] : [{ field: `${path}.uploadId`, uploadId: answer.uploadId }];
      case 'check-in':
      case 'check-out':
      case 'form':
      case 'inventory':
      case 'order':
        return [];
      default: {
        const unhandled: never = step;
        throw new TypeError(`unhandled step ${JSON.stringify(unhandled)}`);
      }
    }
  });
}

/** True when `answers` hold every required step a report answers (check-in and check-out come from the check-ins). */
export function hasRequiredAnswers(steps: readonly TemplateStep[], answers: Record<string, VisitStepAnswer> | undefined): boolean {
  return steps.filter((step) => step.required && isReportedStep(step)).every((step) => answers?.[step.key] !== undefined);
}
