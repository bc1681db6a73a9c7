import { authProblems } from '@fieldforce/auth';
import { type DomainProblemMapping } from '@fieldforce/platform';
import { customerProblems } from './modules/customers/customers.exception';
import { geoProblems } from './modules/geo/geo.exception';
import { customerSettingsProblems } from './modules/settings/customer-settings.exception';
import { territoryProblems } from './modules/territories/territories.exception';

/** How the customers service's error codes map to HTTP, for `main.ts` and the tests' app alike. */
export const customersProblemMappings: readonly DomainProblemMapping[] = [customerProblems, customerSettingsProblems, territoryProblems, geoProblems, authProblems];
