import { offset } from '../../../test/factories/track-points';
import { assessTrust, type TrustEvidence } from './trust-score';

const SHOP = { lat: 52.5321, lng: 13.3849 };
const NOW = new Date('2025-05-06T10:00:00Z');
const minutesAgo = (minutes: number): Date => new Date(NOW.getTime() - minutes * 60_000);

/** A check-in 10 m from the shop, accurate, captured a second ago, nothing suspicious. */
function genuine(overrides: Partial<TrustEvidence> = {}, point: Partial<TrustEvidence['point']> = {}): TrustEvidence {
  return {
    point: { ...offset(SHOP, 10, 0), accuracyM: 8, capturedAt: new Date(NOW.getTime() - 1000), isMock: false, ...point },
    receivedAt: NOW,
    offline: false,
    customer: { location: SHOP, geofenceRadiusM: 150 },
    previous: { ...offset(SHOP, -900, 0), accuracyM: 10, capturedAt: minutesAgo(6) },
    reusedPhotos: 0,
    ...overrides,
  };
}

describe(assessTrust.name, () => {
  it('verifies a genuine check-in with full score and its distance to the customer', () => {
    expect(assessTrust(genuine())).toEqual({ distanceM: 10, trustScore: 100, reasons: [], verified: true });
  });

  it('flags a check-in beyond the geofence after allowing for the reported accuracy', () => {
    const inside = assessTrust(genuine({}, { ...offset(SHOP, 190, 0), accuracyM: 45 }));
    const outside = assessTrust(genuine({}, { ...offset(SHOP, 200, 0), accuracyM: 45 }));

    expect(inside.reasons).toEqual([]);
    expect(outside).toMatchObject({ distanceM: 200, trustScore: 60, reasons: ['OUTSIDE_GEOFENCE'], verified: false });
  });

  it('lets reported accuracy excuse at most 100 m', () => {
    const vague = assessTrust(genuine({}, { ...offset(SHOP, 400, 0), accuracyM: 1000 }));
    expect(vague.reasons).toEqual(['OUTSIDE_GEOFENCE', 'POOR_ACCURACY']);
  });

  it('flags a location from a mock provider', () => {
    expect(assessTrust(genuine({}, { isMock: true }))).toMatchObject({ trustScore: 40, reasons: ['MOCK_LOCATION'], verified: false });
  });

  it('flags an impossible speed from the previous position, allowing for both accuracies', () => {
    const teleported = genuine({ previous: { ...offset(SHOP, -30_000, 0), accuracyM: 10, capturedAt: minutesAgo(2) } });
    const driven = genuine({ previous: { ...offset(SHOP, -30_000, 0), accuracyM: 10, capturedAt: minutesAgo(25) } });

    expect(assessTrust(teleported)).toMatchObject({ trustScore: 50, reasons: ['IMPOSSIBLE_SPEED'], verified: false });
    expect(assessTrust(driven).reasons).toEqual([]);
    expect(assessTrust(genuine({ previous: undefined })).reasons).toEqual([]);
  });

  it('scores poor accuracy alone as still verified', () => {
    expect(assessTrust(genuine({}, { accuracyM: 120 }))).toMatchObject({ trustScore: 80, reasons: ['POOR_ACCURACY'], verified: true });
  });

  it('flags an online check-in captured long before it was received, or by a clock far ahead', () => {
    const early = genuine({ previous: undefined }, { capturedAt: minutesAgo(30) });
    const ahead = genuine({}, { capturedAt: minutesAgo(-20) });
    expect(assessTrust(early)).toMatchObject({ reasons: ['CLOCK_SKEW'], verified: false });
    expect(assessTrust(ahead)).toMatchObject({ reasons: ['CLOCK_SKEW'], verified: false });
  });

  it('allows an offline check-in captured hours earlier, scoring the delay but verifying it', () => {
    const offline = genuine({ offline: true, previous: undefined }, { capturedAt: minutesAgo(5 * 60) });
    expect(assessTrust(offline)).toMatchObject({ trustScore: 90, reasons: ['DELAYED_UPLOAD'], verified: true });
  });

  it('flags an offline check-in that arrives after more than three days', () => {
    const stale = genuine({ offline: true, previous: undefined }, { capturedAt: minutesAgo(80 * 60) });
    expect(assessTrust(stale)).toMatchObject({ reasons: ['CLOCK_SKEW'], verified: false });
  });

  it('flags a photo already attached to another check-in', () => {
    expect(assessTrust(genuine({ reusedPhotos: 1 }))).toMatchObject({ trustScore: 50, reasons: ['PHOTO_REUSED'], verified: false });
  });

  it('flags a customer whose location is unknown here, having nothing to compare with', () => {
    const unknown = assessTrust(genuine({ customer: undefined }));
    const unplaced = assessTrust(genuine({ customer: { location: null, geofenceRadiusM: 150 } }));

    expect(unknown).toEqual({ distanceM: null, trustScore: 65, reasons: ['CUSTOMER_LOCATION_UNKNOWN'], verified: false });
    expect(unplaced).toEqual(unknown);
  });

  it('flags two weak signs together only when they take the score below 70', () => {
    const weak = assessTrust(genuine({ offline: true, previous: undefined }, { accuracyM: 150, capturedAt: minutesAgo(120) }));
    expect(weak).toMatchObject({ trustScore: 70, reasons: ['POOR_ACCURACY', 'DELAYED_UPLOAD'], verified: true });
  });

  it('combines every reason that applies, never scoring below zero', () => {
    const everything = genuine(
      { customer: { location: SHOP, geofenceRadiusM: 150 }, reusedPhotos: 2, previous: { ...SHOP, accuracyM: 5, capturedAt: minutesAgo(46) } },
      { ...offset(SHOP, 50_000, 0), accuracyM: 500, isMock: true, capturedAt: minutesAgo(45) },
    );

    expect(assessTrust(everything)).toEqual({
      distanceM: 50_000,
      trustScore: 0,
      reasons: ['OUTSIDE_GEOFENCE', 'MOCK_LOCATION', 'IMPOSSIBLE_SPEED', 'POOR_ACCURACY', 'CLOCK_SKEW', 'PHOTO_REUSED'],
      verified: false,
    });
  });
});
