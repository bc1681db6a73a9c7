import { parseTemplateSteps } from '../templates/template-steps';
import { checkReportAnswers, hasRequiredAnswers } from './report-answers';

const { steps } = parseTemplateSteps([
  { key: 'arrive', type: 'check-in', required: true },
  { key: 'shelf', type: 'photo', required: true, minCount: 2 },
  {
    key: 'survey',
    type: 'form',
    required: true,
    fields: [
      { key: 'stock', type: 'number', required: true, min: 0, max: 500 },
      { key: 'note', type: 'text', required: false },
      { key: 'mood', type: 'single-choice', required: true, options: ['good', 'bad'] },
      { key: 'brands', type: 'multi-choice', required: false, options: ['acme', 'globex', 'initech'] },
      { key: 'nextDelivery', type: 'date', required: false },
      { key: 'promoVisible', type: 'boolean', required: true },
    ],
  },
  { key: 'count', type: 'inventory', required: false },
  { key: 'order', type: 'order', required: false },
  { key: 'sign', type: 'signature', required: true },
  { key: 'leave', type: 'check-out', required: true },
]);

const photo = (n: number) => `0190d6b0-8888-7888-8888-${String(n).padStart(12, '0')}`;
const complete = {
  shelf: { photoUploadIds: [photo(1), photo(2)] },
  survey: { values: { stock: 120, mood: 'good', brands: ['acme', 'initech'], nextDelivery: '2024-02-29', promoVisible: false } },
  count: { items: [{ product: 'SKU-1', quantity: 0, facings: 3 }] },
  order: { lines: [{ product: 'SKU-2', quantity: 12 }] },
  sign: { uploadId: photo(9), signerName: 'Mara Lind' },
};

describe(checkReportAnswers.name, () => {
  it('accepts a complete report and answers only what the contract carries', () => {
    const { answers, errors } = checkReportAnswers(steps, complete);
    expect(errors).toEqual([]);
    expect(answers).toEqual(complete);
    expect(hasRequiredAnswers(steps, answers)).toBe(true);
  });

  it('lets optional steps and optional fields be left out', () => {
    const { shelf, sign } = complete;
    const { answers, errors } = checkReportAnswers(steps, { shelf, sign, survey: { values: { stock: 0, mood: 'bad', promoVisible: true, note: null } } });
    expect(errors).toEqual([]);
    expect(answers).toEqual({ shelf, sign, survey: { values: { stock: 0, mood: 'bad', promoVisible: true } } });
  });

  it('lists every missing required step and field by its path', () => {
    const { errors } = checkReportAnswers(steps, { survey: { values: { note: 'closed early' } } });
    expect(errors).toEqual([
      { field: 'answers.shelf', message: 'is a required photo step' },
      { field: 'answers.survey.values.stock', message: 'is required' },
      { field: 'answers.survey.values.mood', message: 'is required' },
      { field: 'answers.survey.values.promoVisible', message: 'is required' },
      { field: 'answers.sign', message: 'is a required signature step' },
    ]);
    expect(hasRequiredAnswers(steps, {})).toBe(false);
  });

  it('rejects each bad answer: photo count, range, choices, date, boolean, text, rows, signature, unknown keys', () => {
    const { answers, errors } = checkReportAnswers(steps, {
      arrive: {},
      ghost: { values: {} },
      shelf: { photoUploadIds: [photo(1), 'not-a-uuid'], extra: true },
      survey: { values: { stock: 501, mood: 'great', brands: ['acme', 'acme'], nextDelivery: '2023-02-29', promoVisible: 'yes', note: 7, colour: 'red' } },
      count: { items: [{ product: '', quantity: -1, facings: 1.5, price: 3 }] },
      order: { lines: [] },
      sign: { uploadId: 'x' },
    });
    expect(answers).toEqual({});
    expect(errors).toEqual([
      { field: 'answers.arrive', message: 'is a check-in step: the check-ins record it, not the report' },
      { field: 'answers.ghost', message: "is no step of the task's template version" },
      { field: 'answers.shelf.extra', message: 'is not part of a photo answer (photoUploadIds)' },
      { field: 'answers.shelf.photoUploadIds.1', message: 'must be an upload id (UUID)' },
      { field: 'answers.survey.values.colour', message: 'is no field of this form' },
      { field: 'answers.survey.values.stock', message: 'must be a number from 0 to 500' },
      { field: 'answers.survey.values.note', message: 'must be a text' },
      { field: 'answers.survey.values.mood', message: 'must be one of good, bad' },
      { field: 'answers.survey.values.brands', message: 'must list distinct choices of acme, globex, initech' },
      { field: 'answers.survey.values.nextDelivery', message: 'must be a date YYYY-MM-DD' },
      { field: 'answers.survey.values.promoVisible', message: 'must be true or false' },
      { field: 'answers.count.items.0.price', message: 'is not a property here (product, quantity, facings)' },
      { field: 'answers.count.items.0.product', message: 'must be a product (1 to 200 characters)' },
      { field: 'answers.count.items.0.quantity', message: 'must be a whole number from 0 to 1000000' },
      { field: 'answers.count.items.0.facings', message: 'must be a whole number from 0 to 1000000' },
      { field: 'answers.order.lines', message: 'must list 1 to 500 products' },
      { field: 'answers.sign.uploadId', message: 'must be the upload id (UUID) of the signature' },
      { field: 'answers.sign.signerName', message: 'must name who signed (1 to 200 characters)' },
    ]);
  });

  it('counts photos against the minimum and refuses the same photo twice', () => {
    expect(checkReportAnswers(steps, { ...complete, shelf: { photoUploadIds: [photo(1)] } }).errors).toEqual([
      { field: 'answers.shelf.photoUploadIds', message: 'needs at least 2 photo(s), got 1' },
    ]);
    expect(checkReportAnswers(steps, { ...complete, shelf: { photoUploadIds: [photo(1), photo(1)] } }).errors).toEqual([
      { field: 'answers.shelf.photoUploadIds', message: 'must not list a photo twice' },
    ]);
  });

  it('refuses answers that are not an object of step answers', () => {
    expect(checkReportAnswers(steps, ['shelf']).errors).toEqual([{ field: 'answers', message: 'must be an object of answers by step key' }]);
    expect(checkReportAnswers(steps, { ...complete, sign: 'Mara' }).errors).toEqual([{ field: 'answers.sign', message: 'must be an object' }]);
  });
});
