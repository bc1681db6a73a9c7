import { type CheckInState } from '@fieldforce/contracts';
import { type CheckIn } from './entities/check-in.entity';

/** The full state of a check-in, as REST answers it and as every check-in event carries it. */
export function toCheckInState(checkIn: CheckIn): CheckInState {
  return {
    id: checkIn.id,
    tenantId: checkIn.tenantId,
    userId: checkIn.userId,
    orgPath: checkIn.orgPath,
    deviceId: checkIn.deviceId,
    customerId: checkIn.customerId,
    taskId: checkIn.taskId,
    offline: checkIn.offline,
    status: checkIn.status,
    trustScore: checkIn.trustScore,
    reasons: checkIn.reasons,
    checkIn: checkIn.checkIn,
    checkOut: checkIn.checkOut,
    durationS: checkIn.durationS,
    review: checkIn.review,
    version: checkIn.version,
    createdAt: checkIn.createdAt.toISOString(),
    updatedAt: checkIn.updatedAt.toISOString(),
  };
}
