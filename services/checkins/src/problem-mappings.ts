import { authProblems } from '@fieldforce/auth';
import { type DomainProblemMapping, uploadVerificationProblems } from '@fieldforce/platform';
import { checkInProblems } from './modules/check-ins/check-ins.exception';
import { livePositionProblems } from './modules/live-positions/live-positions.exception';
import { checkInMutationProblems } from './modules/mutations/mutations.exception';
import { trajectoryProblems } from './modules/trajectories/trajectories.exception';

/** How the service's domain errors map to HTTP problems, one mapping per feature. */
export const checkinsProblemMappings: readonly DomainProblemMapping[] = [
  checkInProblems,
  checkInMutationProblems,
  trajectoryProblems,
  livePositionProblems,
  uploadVerificationProblems,
  authProblems,
];
