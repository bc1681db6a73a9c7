import { checkInRecordedV1, type CheckInState, uuidv7 } from '@fieldforce/contracts';

/** A check-in state as a check-in event carries it: `userId` at `customerId`, captured at `at`, verified unless `overrides` say otherwise. */
export function checkInState(tenantId: string, userId: string, customerId: string, at: string, overrides: Partial<CheckInState> = {}): CheckInState {
  const example = structuredClone(checkInRecordedV1.example.checkIn);
  return {
    ...example,
    id: uuidv7(),
    tenantId,
    userId,
    customerId,
    orgPath: 'hq.north',
    taskId: null,
    checkIn: { ...example.checkIn, point: { ...example.checkIn.point, capturedAt: at }, receivedAt: at },
    createdAt: at,
    updatedAt: at,
    ...overrides,
  };
}

/** The same check-in after checking out at `at`. */
export function checkedOut(state: CheckInState, at: string): CheckInState {
  return {
    ...state,
    checkOut: { ...state.checkIn, point: { ...state.checkIn.point, capturedAt: at }, receivedAt: at },
    durationS: Math.round((Date.parse(at) - Date.parse(state.checkIn.point.capturedAt)) / 1000),
    version: state.version + 1,
    updatedAt: at,
  };
}
