import { type Static, Type } from '@sinclair/typebox';
import { defineEvent } from '../define-event';
import { Topics } from '../topics';
import { type VisitTemplateState, VisitTemplateStateSchema } from './visit-template.schema';

/** Payload of the template events: the template at its new version and which fields changed. */
export const VisitTemplateChangeSchema = Type.Object({
  template: VisitTemplateStateSchema,
  changedFields: Type.Array(Type.String({ minLength: 1 }), { uniqueItems: true }),
});
export type VisitTemplateChange = Static<typeof VisitTemplateChangeSchema>;

const exampleTemplate: VisitTemplateState = {
  id: '0190d6a9-3333-7333-8333-333333333333',
  tenantId: '0190d6a0-0000-7000-8000-000000000001',
  name: 'Key accounts',
  grades: ['A'],
  frequency: { every: 1, unit: 'week' },
  expectedDurationMinutes: 30,
  geofenceRadiusMeters: 150,
  steps: [
    { key: 'arrive', type: 'check-in', required: true },
    { key: 'shelf', type: 'photo', required: true, minCount: 2 },
    {
      key: 'survey',
      type: 'form',
      required: true,
      fields: [
        { key: 'stock', label: 'Units in stock', type: 'number', required: true, min: 0, max: 10000 },
        { key: 'mood', label: 'Owner mood', type: 'single-choice', required: false, options: ['good', 'neutral', 'bad'] },
      ],
    },
    { key: 'leave', type: 'check-out', required: true },
  ],
  version: 1,
  createdAt: '2024-07-01T08:00:00.000Z',
  updatedAt: '2024-07-01T08:00:00.000Z',
};

const templateTopic = { topic: Topics.visits.visitTemplate, aggregate: 'visit-template', schema: VisitTemplateChangeSchema } as const;

export const visitTemplateCreatedV1 = defineEvent({
  ...templateTopic,
  type: 'fieldforce.visits.visit-template.created.v1',
  description: 'A visit template was created for one or more customer grades; carries its first version.',
  example: { template: exampleTemplate, changedFields: ['name', 'grades', 'frequency', 'expectedDurationMinutes', 'geofenceRadiusMeters', 'steps'] },
});

export const visitTemplateUpdatedV1 = defineEvent({
  ...templateTopic,
  type: 'fieldforce.visits.visit-template.updated.v1',
  description: 'A visit template got a new version; tasks created before keep the version they were created with.',
  example: {
    template: { ...exampleTemplate, frequency: { every: 2, unit: 'week' }, version: 2, updatedAt: '2024-08-01T08:00:00.000Z' },
    changedFields: ['frequency'],
  },
});
