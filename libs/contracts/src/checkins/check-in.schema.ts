import { type Static, type TSchema, Type } from '@sinclair/typebox';
import '../formats';

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

/** Where a check-in or check-out was captured, as the device reported it. */
export const CheckInPointSchema = Type.Object({
  lat: Type.Number({ minimum: -90, maximum: 90 }),
  lng: Type.Number({ minimum: -180, maximum: 180 }),
  accuracyM: Type.Number({ minimum: 0 }),
  capturedAt: Type.String({ format: 'date-time' }),
  /** The location provider the OS named (`gps`, `network`, `fused` …). */
  provider: Type.String({ minLength: 1 }),
  /** The OS flagged the location as coming from a mock provider. */
  isMock: Type.Boolean(),
});

/** A photo taken at a check-in or check-out: the upload and the SHA-256 of its content. */
export const CheckInPhotoSchema = Type.Object({
  uploadId: Type.String({ format: 'uuid' }),
  sha256: Type.String({ pattern: '^[0-9a-f]{64}$' }),
});

/** The reasons a check-in or check-out loses trust. */
export const TRUST_REASONS = [
  'OUTSIDE_GEOFENCE',
  'CUSTOMER_LOCATION_UNKNOWN',
  'MOCK_LOCATION',
  'IMPOSSIBLE_SPEED',
  'POOR_ACCURACY',
  'DELAYED_UPLOAD',
  'CLOCK_SKEW',
  'PHOTO_REUSED',
] as const;
export type TrustReason = (typeof TRUST_REASONS)[number];
const TrustReasonSchema = Type.Union(TRUST_REASONS.map((reason) => Type.Literal(reason)));

/** One side of a visit (arrival or departure) and how far it can be trusted. */
export const CheckInPhaseSchema = Type.Object({
  point: CheckInPointSchema,
  receivedAt: Type.String({ format: 'date-time' }),
  /** Distance from the customer's location; null when the customer's location is unknown. */
  distanceM: Nullable(Type.Number({ minimum: 0 })),
  trustScore: Type.Integer({ minimum: 0, maximum: 100 }),
  reasons: Type.Array(TrustReasonSchema, { uniqueItems: true }),
  photos: Type.Array(CheckInPhotoSchema),
});

/** `verified` and `flagged` come from the trust checks; `approved` and `rejected` from a review of a flagged one. */
export const CHECK_IN_STATUSES = ['verified', 'flagged', 'approved', 'rejected'] as const;
export type CheckInStatus = (typeof CHECK_IN_STATUSES)[number];

/** A supervisor's decision on a flagged check-in. */
export const CheckInReviewSchema = Type.Object({
  decision: Type.Union([Type.Literal('approved'), Type.Literal('rejected')]),
  note: Type.String({ minLength: 1 }),
  reviewerId: Type.String({ format: 'uuid' }),
  reviewedAt: Type.String({ format: 'date-time' }),
});

/** The full state of a check-in, as REST answers it and every check-in event carries it. */
export const CheckInStateSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  tenantId: Type.String({ format: 'uuid' }),
  /** Who checked in; the record's owner for data scope. */
  userId: Type.String({ format: 'uuid' }),
  /** The user's org-unit path when checking in. */
  orgPath: Type.String({ minLength: 1 }),
  deviceId: Type.String({ minLength: 1 }),
  customerId: Type.String({ format: 'uuid' }),
  taskId: Nullable(Type.String({ format: 'uuid' })),
  /** The device recorded the check-in without a connection and sent it later. */
  offline: Type.Boolean(),
  status: Type.Union(CHECK_IN_STATUSES.map((status) => Type.Literal(status))),
  /** The lower of the check-in's and the check-out's score. */
  trustScore: Type.Integer({ minimum: 0, maximum: 100 }),
  /** Every reason of either phase. */
  reasons: Type.Array(TrustReasonSchema, { uniqueItems: true }),
  checkIn: CheckInPhaseSchema,
  checkOut: Nullable(CheckInPhaseSchema),
  /** Seconds from check-in to check-out capture. */
  durationS: Nullable(Type.Integer({ minimum: 0 })),
  review: Nullable(CheckInReviewSchema),
  version: Type.Integer({ minimum: 1 }),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});

export type CheckInState = Static<typeof CheckInStateSchema>;
export type CheckInPhase = Static<typeof CheckInPhaseSchema>;
export type CheckInPoint = Static<typeof CheckInPointSchema>;
export type CheckInPhoto = Static<typeof CheckInPhotoSchema>;
export type CheckInReview = Static<typeof CheckInReviewSchema>;
