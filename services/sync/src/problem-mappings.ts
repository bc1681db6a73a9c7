import { authProblems } from '@fieldforce/auth';
import { type DomainProblemMapping } from '@fieldforce/platform';
import { feedProblems } from './modules/feed/feed.exception';
import { pushProblems } from './modules/push/push.exception';
import { uploadProblems } from './modules/uploads/uploads.exception';

/** How the service's domain errors map to HTTP problems, one mapping per feature. */
export const syncProblemMappings: readonly DomainProblemMapping[] = [feedProblems, pushProblems, uploadProblems, authProblems];
