import { createEvent, type EventData, eventDefinition, topicOf } from '../registry';
import { EventValidationError } from '../validation';
import { taskReportedV1 } from './task.events';

const REPORTED = 'fieldforce.visits.task.reported.v1';

describe('visit task and template events', () => {
  it('travel on the task topic, one type per lifecycle change', () => {
    for (const event of ['planned', 'dispatched', 'started', 'completed', 'missed', 'cancelled', 'rescheduled', 'reassigned', 'reported'] as const) {
      const type = `fieldforce.visits.task.${event}.v1` as const;
      expect(topicOf(type)).toBe('fieldforce.visits.task.v1');
      expect(eventDefinition(type).service).toBe('visits');
    }
    expect(topicOf('fieldforce.visits.visit-template.created.v1')).toBe('fieldforce.visits.visit-template.v1');
    expect(topicOf('fieldforce.visits.visit-template.updated.v1')).toBe('fieldforce.visits.visit-template.v1');
  });

  it('build a reported event carrying the report with its answers', () => {
    const data: EventData<typeof REPORTED> = structuredClone(taskReportedV1.example);
    const event = createEvent(REPORTED, { subject: data.task.id, tenantId: data.task.tenantId, data });
    expect(event.data.report.answers.shelf?.photoUploadIds).toHaveLength(2);
  });

  it('refuse a task state with a column the contract lacks, or a due date that is no calendar date', () => {
    const data = structuredClone(taskReportedV1.example);
    const leaky = { ...data, task: { ...data.task, cycleStarts: '2024-07-15' } } as EventData<typeof REPORTED>;
    expect(() => createEvent(REPORTED, { subject: data.task.id, tenantId: data.task.tenantId, data: leaky })).toThrow(/data\.task\.cycleStarts/);
    const badDate = { ...data, task: { ...data.task, dueDate: '21.07.2024' } };
    expect(() => createEvent(REPORTED, { subject: data.task.id, tenantId: data.task.tenantId, data: badDate })).toThrow(EventValidationError);
  });
});
