import { type Static, Type } from '@sinclair/typebox';
import { defineEvent } from '../define-event';
import { Topics } from '../topics';
import { type CheckInState, CheckInStateSchema } from './check-in.schema';

/** Payload of every check-in event: the full record after the change. */
export const CheckInChangeSchema = Type.Object({ checkIn: CheckInStateSchema });
export type CheckInChange = Static<typeof CheckInChangeSchema>;

const exampleCheckIn: CheckInState = {
  id: '0190d6b0-7a1e-7c2d-9e00-4b5c6d7e8f90',
  tenantId: '0190d6a0-0000-7000-8000-000000000001',
  userId: '0190d6a1-1111-7111-8111-111111111111',
  orgPath: 'emea.de.berlin',
  deviceId: 'a1b2c3d4-device',
  customerId: '0190d6a4-5c3e-7b1a-8f00-3c1d2e4f5a6b',
  taskId: '0190d6af-2222-7222-8222-222222222222',
  offline: false,
  status: 'verified',
  trustScore: 100,
  reasons: [],
  checkIn: {
    point: { lat: 52.53215, lng: 13.38496, accuracyM: 8, capturedAt: '2024-07-15T09:02:11.000Z', provider: 'fused', isMock: false },
    receivedAt: '2024-07-15T09:02:12.000Z',
    distanceM: 6.1,
    trustScore: 100,
    reasons: [],
    photos: [
      { uploadId: '0190d6b0-8888-7888-8888-888888888888', sha256: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08' },
    ],
  },
  checkOut: null,
  durationS: null,
  review: null,
  version: 1,
  createdAt: '2024-07-15T09:02:12.000Z',
  updatedAt: '2024-07-15T09:02:12.000Z',
};

const checkInTopic = { topic: Topics.checkins.checkIn, aggregate: 'check-in' } as const;

export const checkInRecordedV1 = defineEvent({
  ...checkInTopic,
  type: 'fieldforce.checkins.check-in.recorded.v1',
  description:
    'A user checked in at a customer (online or sent later from offline); carries the record with its distance, trust score, reasons and status (verified or flagged).',
  schema: CheckInChangeSchema,
  example: { checkIn: exampleCheckIn },
});

export const checkInCheckedOutV1 = defineEvent({
  ...checkInTopic,
  type: 'fieldforce.checkins.check-in.checked-out.v1',
  description: 'The user checked out of a check-in: the record now has its check-out phase, duration and combined trust.',
  schema: CheckInChangeSchema,
  example: {
    checkIn: {
      ...exampleCheckIn,
      checkOut: {
        point: { lat: 52.53219, lng: 13.38501, accuracyM: 10, capturedAt: '2024-07-15T09:31:40.000Z', provider: 'fused', isMock: false },
        receivedAt: '2024-07-15T09:31:41.000Z',
        distanceM: 4.3,
        trustScore: 100,
        reasons: [],
        photos: [],
      },
      durationS: 1769,
      version: 2,
      updatedAt: '2024-07-15T09:31:41.000Z',
    },
  },
});

export const checkInReviewedV1 = defineEvent({
  ...checkInTopic,
  type: 'fieldforce.checkins.check-in.reviewed.v1',
  description: 'A supervisor approved or rejected a flagged check-in; status follows the decision.',
  schema: CheckInChangeSchema,
  example: {
    checkIn: {
      ...exampleCheckIn,
      status: 'approved',
      trustScore: 60,
      reasons: ['OUTSIDE_GEOFENCE'],
      checkIn: { ...exampleCheckIn.checkIn, distanceM: 420, trustScore: 60, reasons: ['OUTSIDE_GEOFENCE'] },
      review: {
        decision: 'approved',
        note: 'Customer moved to the shop next door; address update requested.',
        reviewerId: '0190d6a1-3333-7333-8333-333333333333',
        reviewedAt: '2024-07-15T11:00:00.000Z',
      },
      version: 2,
      updatedAt: '2024-07-15T11:00:00.000Z',
    },
  },
});
