import { type CustomFieldDefinition, customFieldIssues, definitionIssues } from './custom-fields';

const fields: CustomFieldDefinition[] = [
  { key: 'openingHours', type: 'text', required: false },
  { key: 'shelfMeters', type: 'number', required: true, min: 0, max: 500 },
  { key: 'delivers', type: 'boolean', required: false },
  { key: 'contractEnds', type: 'date', required: false },
  { key: 'channel', type: 'choice', required: false, options: ['pharmacy', 'kiosk'] },
  { key: 'brands', type: 'multi-choice', required: false, options: ['alpha', 'beta', 'gamma'] },
];

describe(customFieldIssues.name, () => {
  it('accepts values of every type within their bounds, and null for an optional field', () => {
    const values = {
      openingHours: 'Mo-Fr 8-18',
      shelfMeters: 12.5,
      delivers: false,
      contractEnds: '2028-02-29',
      channel: 'kiosk',
      brands: ['gamma', 'alpha'],
    };
    expect(customFieldIssues(fields, values)).toEqual([]);
    expect(customFieldIssues(fields, { shelfMeters: 0, channel: null, brands: [] })).toEqual([]);
  });

  it('names each field of the wrong type, out of bounds or off its options by its path', () => {
    const issues = customFieldIssues(fields, {
      openingHours: 8,
      shelfMeters: 501,
      delivers: 'yes',
      contractEnds: '2027-02-29',
      channel: 'bakery',
      brands: ['alpha', 'alpha'],
    });
    expect(issues.map((issue) => issue.field)).toEqual([
      'customFields.openingHours',
      'customFields.shelfMeters',
      'customFields.delivers',
      'customFields.contractEnds',
      'customFields.channel',
      'customFields.brands',
    ]);
    expect(issues[1]?.message).toBe('must be at most 500');
    expect(customFieldIssues(fields, { shelfMeters: -1 })[0]?.message).toBe('must be at least 0');
    expect(customFieldIssues(fields, { shelfMeters: Number.NaN })[0]?.message).toBe('must be a finite number');
    expect(customFieldIssues(fields, { shelfMeters: 1, brands: ['delta'] })[0]?.message).toMatch(/list of alpha, beta, gamma/);
  });

  it('refuses unknown keys and a missing or null required field', () => {
    expect(customFieldIssues(fields, { shelfMeters: 1, colour: 'red' })).toEqual([
      { field: 'customFields.colour', message: "is not one of this tenant's customer fields" },
    ]);
    expect(customFieldIssues(fields, {})).toEqual([{ field: 'customFields.shelfMeters', message: 'is required' }]);
    expect(customFieldIssues(fields, { shelfMeters: null })).toEqual([{ field: 'customFields.shelfMeters', message: 'is required' }]);
    expect(customFieldIssues([], { anything: 1 })).toHaveLength(1);
  });

  it('refuses something that is not an object', () => {
    expect(customFieldIssues(fields, ['a'])).toEqual([{ field: 'customFields', message: 'must be an object' }]);
  });
});

describe(definitionIssues.name, () => {
  it('accepts well-formed definitions', () => {
    expect(definitionIssues(fields)).toEqual([]);
  });

  it('refuses bad and repeated keys, bounds off numbers or upside down, and choices without options', () => {
    const issues = definitionIssues([
      { key: '1st', type: 'text', required: false },
      { key: 'a', type: 'text', required: false },
      { key: 'a', type: 'boolean', required: false },
      { key: 'b', type: 'text', required: false, max: 3 },
      { key: 'c', type: 'number', required: false, min: 5, max: 1 },
      { key: 'd', type: 'choice', required: false },
      { key: 'e', type: 'multi-choice', required: false, options: ['x', 'x'] },
      { key: 'f', type: 'date', required: false, options: ['x'] },
    ]);
    expect(issues.map((issue) => issue.field)).toEqual([
      'customFields[0].key',
      'customFields[2].key',
      'customFields[3].min',
      'customFields[4].max',
      'customFields[5].options',
      'customFields[6].options',
      'customFields[7].options',
    ]);
  });
});
