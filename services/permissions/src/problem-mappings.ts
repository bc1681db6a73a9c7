import { type DomainProblemMapping } from '@fieldforce/platform';
import { accessProblems } from './modules/access/access.exception';
import { authProblems } from './modules/auth/auth.exception';
import { orgUnitProblems } from './modules/org-units/org-units.exception';
import { roleProblems } from './modules/roles/roles.exception';
import { userProblems } from './modules/users/users.exception';

/** How every feature's error codes map to HTTP; main.ts and the tests boot the app with these. */
export const permissionsProblems: readonly DomainProblemMapping[] = [
  accessProblems,
  authProblems,
  orgUnitProblems,
  roleProblems,
  userProblems,
];
