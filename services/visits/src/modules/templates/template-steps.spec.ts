import { parseTemplateSteps } from './template-steps';

describe(parseTemplateSteps.name, () => {
  it('reads every step type with its typed settings, defaulting a photo step to one photo', () => {
    const { steps, errors } = parseTemplateSteps([
      { key: 'arrive', type: 'check-in', required: true },
      { key: 'shelf', type: 'photo', required: true },
      {
        key: 'survey',
        type: 'form',
        required: true,
        fields: [
          { key: 'stock', type: 'number', required: true, min: 0, max: 500 },
          { key: 'mood', label: 'Mood', type: 'single-choice', required: false, options: ['good', 'bad'] },
        ],
      },
      { key: 'count', type: 'inventory', required: false },
      { key: 'order', type: 'order', required: false },
      { key: 'sign', type: 'signature', required: false },
      { key: 'leave', type: 'check-out', required: true },
    ]);

    expect(errors).toEqual([]);
    expect(steps[1]).toEqual({ key: 'shelf', type: 'photo', required: true, minCount: 1 });
    expect(steps[2]).toEqual({
      key: 'survey',
      type: 'form',
      required: true,
      fields: [
        { key: 'stock', label: 'stock', type: 'number', required: true, min: 0, max: 500 },
        { key: 'mood', label: 'Mood', type: 'single-choice', required: false, options: ['good', 'bad'] },
      ],
    });
    expect(steps.map((step) => step.type)).toEqual(['check-in', 'photo', 'form', 'inventory', 'order', 'signature', 'check-out']);
  });

  it('lists each problem by its path instead of stopping at the first', () => {
    const { steps, errors } = parseTemplateSteps([
      { key: 'arrive', type: 'teleport', required: true },
      { key: 'shelf', type: 'photo', required: true, minCount: 0 },
      { key: 'survey', type: 'form', required: true, fields: [{ key: 'mood', type: 'multi-choice', required: true }, { key: 'n', type: 'text', required: true, min: 1 }] },
      { key: 'shelf', type: 'order', required: 'yes' },
    ]);

    expect(steps).toEqual([]);
    expect(errors).toEqual([
      { field: 'steps.0.type', message: expect.stringContaining('must be one of') },
      { field: 'steps.1.minCount', message: 'must be an integer from 1 to 50' },
      { field: 'steps.2.fields.0.options', message: 'must list distinct string choices' },
      { field: 'steps.2.fields.1.min', message: 'is a finite number, for number fields only' },
      { field: 'steps.3.required', message: 'must be a boolean' },
    ]);
  });

  it('rejects an empty step list, duplicate step keys and a number range with min above max', () => {
    expect(parseTemplateSteps([]).errors).toEqual([{ field: 'steps', message: 'must list at least one step' }]);
    expect(
      parseTemplateSteps([
        { key: 'a', type: 'order', required: true },
        { key: 'a', type: 'signature', required: true },
      ]).errors,
    ).toEqual([{ field: 'steps', message: 'step keys must be distinct' }]);
    expect(
      parseTemplateSteps([{ key: 'f', type: 'form', required: true, fields: [{ key: 'n', type: 'number', required: true, min: 5, max: 1 }] }]).errors,
    ).toEqual([{ field: 'steps.0.fields.0.max', message: 'must not be below min' }]);
  });
});
