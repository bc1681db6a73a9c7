import { type CheckInState, type CustomerState, type ReminderState, uuidv7, type VisitTaskState, type VisitTemplateState } from '@fieldforce/contracts';

/** A customer state as a customer event carries it; `overrides` replace fields. */
export function customerState(tenantId: string, overrides: Partial<CustomerState> = {}): CustomerState {
  return {
    id: uuidv7(),
    tenantId,
    name: 'Corner Pharmacy Nord',
    grade: 'A',
    location: { lat: 52.5321, lng: 13.3849 },
    address: null,
    contacts: [],
    tags: [],
    externalId: null,
    ownerId: null,
    orgPath: null,
    creditLimit: 25_000,
    customFields: {},
    version: 1,
    createdAt: '2024-07-15T08:30:00.000Z',
    updatedAt: '2024-07-15T08:30:00.000Z',
    deletedAt: null,
    ...overrides,
  };
}

/** A check-in state as a check-in event carries it. */
export function checkInState(tenantId: string, overrides: Partial<CheckInState> = {}): CheckInState {
  const point = { lat: 52.53215, lng: 13.38496, accuracyM: 8, capturedAt: '2024-07-15T09:02:11.000Z', provider: 'fused', isMock: false };
  return {
    id: uuidv7(),
    tenantId,
    userId: uuidv7(),
    orgPath: 'emea',
    deviceId: 'phone-1',
    customerId: uuidv7(),
    taskId: null,
    offline: false,
    status: 'verified',
    trustScore: 100,
    reasons: [],
    checkIn: { point, receivedAt: '2024-07-15T09:02:12.000Z', distanceM: 6.1, trustScore: 100, reasons: [], photos: [] },
    checkOut: null,
    durationS: null,
    review: null,
    version: 1,
    createdAt: '2024-07-15T09:02:12.000Z',
    updatedAt: '2024-07-15T09:02:12.000Z',
    ...overrides,
  };
}

/** A visit template state as a template event carries it. */
export function visitTemplateState(tenantId: string, overrides: Partial<VisitTemplateState> = {}): VisitTemplateState {
  return {
    id: uuidv7(),
    tenantId,
    name: 'Key accounts',
    grades: ['A'],
    frequency: { every: 1, unit: 'week' },
    expectedDurationMinutes: 30,
    geofenceRadiusMeters: 150,
    steps: [{ key: 'arrive', type: 'check-in', required: true }],
    version: 1,
    createdAt: '2024-07-15T08:30:00.000Z',
    updatedAt: '2024-07-15T08:30:00.000Z',
    ...overrides,
  };
}

/** A visit task state as a task event carries it. */
export function visitTaskState(tenantId: string, overrides: Partial<VisitTaskState> = {}): VisitTaskState {
  return {
    id: uuidv7(),
    tenantId,
    customerId: uuidv7(),
    templateId: uuidv7(),
    templateVersion: 1,
    status: 'planned',
    assigneeId: null,
    orgPath: null,
    dueDate: '2024-07-21',
    cycleKey: null,
    cancelReason: null,
    startedAt: null,
    completedAt: null,
    reportedAt: null,
    version: 1,
    createdAt: '2024-07-15T08:30:00.000Z',
    updatedAt: '2024-07-15T08:30:00.000Z',
    ...overrides,
  };
}

/** A reminder state as a reminder event carries it. */
export function reminderState(tenantId: string, overrides: Partial<ReminderState> = {}): ReminderState {
  return {
    id: uuidv7(),
    tenantId,
    kind: 'task-overdue',
    status: 'open',
    recipientId: null,
    orgPath: null,
    taskId: uuidv7(),
    customerId: uuidv7(),
    cycleKey: null,
    taskDueDate: '2024-07-21',
    dueAt: '2024-07-21T22:00:00.000Z',
    firedAt: '2024-07-21T22:00:07.000Z',
    closedAt: null,
    closedBy: null,
    version: 1,
    ...overrides,
  };
}
