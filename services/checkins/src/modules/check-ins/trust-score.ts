import { TRUST_REASONS, type TrustReason } from '@fieldforce/contracts';
import { haversineM, type LatLng } from '../../common/geo';

/** What the server knows about one check-in or check-out when judging it. */
export interface TrustEvidence {
  point: LatLng & { accuracyM: number; capturedAt: Date; isMock: boolean };
  receivedAt: Date;
  /** The device says it was offline and is sending the record late. */
  offline: boolean;
  /** The customer's place and geofence; location null or customer undefined when unknown here. */
  customer: { location: LatLng | null; geofenceRadiusM: number } | undefined;
  /** The user's last known position before this capture (a track point or another check-in). */
  previous: (LatLng & { accuracyM: number; capturedAt: Date }) | undefined;
  /** How many of the photos were already attached to another check-in. */
  reusedPhotos: number;
}

/** The verdict on one phase: distance to the customer, score 0–100, the reasons it lost points. */
export interface TrustAssessment {
  distanceM: number | null;
  trustScore: number;
  reasons: TrustReason[];
  verified: boolean;
}

/** The limits the checks apply. */
export interface TrustThresholds {
  /** Reported accuracy counts in the user's favour against the geofence, up to this much. */
  maxAccuracyAllowanceM: number;
  /** Accuracy worse than this is poor. */
  poorAccuracyM: number;
  /** Faster than this from the previous position is impossible (accuracies of both allowed for). */
  maxSpeedMps: number;
  /** Online, capture and receipt may be this far apart. */
  maxOnlineSkewMs: number;
  /** Offline, a record may arrive this late and only count as delayed; later it counts as skewed. */
  maxOfflineDelayMs: number;
  /** A device clock may run this far ahead of the server's. */
  maxClockAheadMs: number;
  /** A score from this up is verified, below it flagged. */
  verifiedFromScore: number;
}

/**
 * Defaults: accuracy helps up to 100 m and is poor beyond 100 m; 70 m/s (252 km/h) is
 * impossible; online skew up to 10 minutes, offline delay up to 72 hours; clocks 5 minutes
 * ahead; verified from 70.
 */
export const DEFAULT_TRUST_THRESHOLDS: Readonly<TrustThresholds> = {
  maxAccuracyAllowanceM: 100,
  poorAccuracyM: 100,
  maxSpeedMps: 70,
  maxOnlineSkewMs: 10 * 60_000,
  maxOfflineDelayMs: 72 * 3_600_000,
  maxClockAheadMs: 5 * 60_000,
  verifiedFromScore: 70,
};

/**
 * Points each reason takes from 100. Any strong sign of a check-in made elsewhere (outside the
 * geofence, mock location, impossible speed, reused photo, skewed clock, nothing to compare
 * with) flags it alone; weak signs (poor accuracy, an offline delay) flag only together with more.
 */
export const TRUST_PENALTIES: Readonly<Record<TrustReason, number>> = {
  OUTSIDE_GEOFENCE: 40,
  CUSTOMER_LOCATION_UNKNOWN: 35,
  MOCK_LOCATION: 60,
  IMPOSSIBLE_SPEED: 50,
  POOR_ACCURACY: 20,
  DELAYED_UPLOAD: 10,
  CLOCK_SKEW: 35,
  PHOTO_REUSED: 50,
};

function skewReason(evidence: TrustEvidence, thresholds: TrustThresholds): TrustReason | undefined {
  const lateByMs = evidence.receivedAt.getTime() - evidence.point.capturedAt.getTime();
  if (lateByMs < -thresholds.maxClockAheadMs) return 'CLOCK_SKEW';
  if (!evidence.offline) return lateByMs > thresholds.maxOnlineSkewMs ? 'CLOCK_SKEW' : undefined;
  if (lateByMs > thresholds.maxOfflineDelayMs) return 'CLOCK_SKEW';
  return lateByMs > thresholds.maxOnlineSkewMs ? 'DELAYED_UPLOAD' : undefined;
}

function impliedSpeedMps(evidence: TrustEvidence): number | undefined {
  const { previous, point } = evidence;
  if (!previous || previous.capturedAt > point.capturedAt) return undefined;
  const seconds = Math.max((point.capturedAt.getTime() - previous.capturedAt.getTime()) / 1000, 1);
  const distance = Math.max(0, haversineM(previous, point) - previous.accuracyM - point.accuracyM);
  return distance / seconds;
}

/** Judges one check-in or check-out: every reason that applies, the score left, verified or flagged. */
export function assessTrust(evidence: TrustEvidence, thresholds: TrustThresholds = DEFAULT_TRUST_THRESHOLDS): TrustAssessment {
  const reasons: TrustReason[] = [];
  const location = evidence.customer?.location ?? null;
  const distanceM = location === null ? null : haversineM(location, evidence.point);
  if (location === null || distanceM === null) {
    reasons.push('CUSTOMER_LOCATION_UNKNOWN');
  } else {
    const allowance = Math.min(evidence.point.accuracyM, thresholds.maxAccuracyAllowanceM);
    if (distanceM - allowance > evidence.customer!.geofenceRadiusM) reasons.push('OUTSIDE_GEOFENCE');
  }
  if (evidence.point.isMock) reasons.push('MOCK_LOCATION');
  const speed = impliedSpeedMps(evidence);
  if (speed !== undefined && speed > thresholds.maxSpeedMps) reasons.push('IMPOSSIBLE_SPEED');
  if (evidence.point.accuracyM > thresholds.poorAccuracyM) reasons.push('POOR_ACCURACY');
  const skew = skewReason(evidence, thresholds);
  if (skew) reasons.push(skew);
  if (evidence.reusedPhotos > 0) reasons.push('PHOTO_REUSED');
  const trustScore = Math.max(0, 100 - reasons.reduce((sum, reason) => sum + TRUST_PENALTIES[reason], 0));
  return {
    distanceM: distanceM === null ? null : Math.round(distanceM * 10) / 10,
    trustScore,
    reasons,
    verified: trustScore >= thresholds.verifiedFromScore,
  };
}

/** A check-in's verdict from its phases: the lower score, every reason (in contract order), flagged if either phase is. */
export function overallTrust(
  phases: readonly { trustScore: number; reasons: readonly TrustReason[] }[],
  thresholds: TrustThresholds = DEFAULT_TRUST_THRESHOLDS,
): { trustScore: number; reasons: TrustReason[]; verified: boolean } {
  const trustScore = Math.min(...phases.map((phase) => phase.trustScore));
  const reasons = TRUST_REASONS.filter((reason) => phases.some((phase) => phase.reasons.includes(reason)));
  return { trustScore, reasons, verified: trustScore >= thresholds.verifiedFromScore };
}
