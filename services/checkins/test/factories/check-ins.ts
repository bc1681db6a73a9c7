import { uuidv7 } from '@fieldforce/contracts';
import { BERLIN, type LatLng, offset } from './track-points';

/** How the captured position differs from a good fix 13 m from Berlin Mitte a second ago. */
export interface CapturedPoint {
  at: LatLng;
  accuracyM: number;
  capturedAt: Date;
  isMock: boolean;
}

/** A check-out body as a device sends it: a good fix near Berlin Mitte unless `point` says otherwise; `overrides` add or replace fields. */
export function checkOutBody(overrides: Record<string, unknown> = {}, point: Partial<CapturedPoint> = {}) {
  const at = point.at ?? offset(BERLIN, 12, 5);
  return {
    point: {
      lat: at.lat,
      lng: at.lng,
      accuracyM: point.accuracyM ?? 8,
      capturedAt: (point.capturedAt ?? new Date(Date.now() - 1000)).toISOString(),
      provider: 'fused',
      isMock: point.isMock ?? false,
    },
    ...overrides,
  };
}

/** A `POST /api/v1/check-ins` body at `customerId` with a new client id, as `checkOutBody` builds the point. */
export function checkInBody(customerId: string, overrides: Record<string, unknown> = {}, point: Partial<CapturedPoint> = {}) {
  return { id: uuidv7(), customerId, deviceId: 'phone-1', ...checkOutBody(overrides, point) };
}
