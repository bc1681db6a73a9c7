import { authProblems } from '@fieldforce/auth';
import { type DomainProblemMapping, uploadVerificationProblems } from '@fieldforce/platform';
import { coverageProblems } from './modules/coverage-reports/coverage-reports.exception';
import { mutationProblems } from './modules/mutations/mutations.exception';
import { planProblems } from './modules/plans/plans.exception';
import { reminderProblems } from './modules/reminders/reminders.exception';
import { routeProblems } from './modules/routes/routes.exception';
import { taskProblems } from './modules/tasks/tasks.exception';
import { templateProblems } from './modules/templates/templates.exception';
import { reportProblems } from './modules/visit-reports/visit-reports.exception';

/** How the visits service's error codes map to HTTP, for `main.ts` and the tests' app alike. */
export const visitsProblemMappings: readonly DomainProblemMapping[] = [templateProblems, taskProblems, planProblems, reportProblems, coverageProblems, routeProblems, reminderProblems, mutationProblems, uploadVerificationProblems, authProblems];
