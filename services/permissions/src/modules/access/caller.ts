import { type EffectivePolicy } from '@fieldforce/contracts';
import { type Actor } from '../../common/actor';

/** The user behind a request with a verified access token, with the current state of their account and roles. */
export interface Caller extends Actor {
  userId: string;
  username: string;
  orgUnitId: string;
  orgPath: string;
  /** The login session the token belongs to (its `sid`). */
  sessionId: string;
  deviceId: string;
  amr: string[];
  /** The user's current roles merged; the issuer trusts its own data over the token's copy. */
  policy: EffectivePolicy;
  /** A password-only token of a user whose roles require TOTP: only enrolment and `/me` are open to it. */
  secondFactorPending: boolean;
}
