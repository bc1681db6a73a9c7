import { Injectable } from '@nestjs/common';
import { type AuthenticatedUser } from '@fieldforce/auth';
import { isUnderOrgPath } from '@fieldforce/contracts';
import { orgUnitIdOf, orgUnitLabel } from '../../common/org-path';
import { daysInclusive, localDate } from '../plans/visit-cycles';
import { TenantSettingsRepository } from '../settings/tenant-settings.repository';
import { CoverageException } from './coverage-reports.exception';
import { type CheckInCounts, CoverageRepository, type TaskCounts } from './coverage-reports.repository';
import { type CoverageFigures, type CoverageQuery, type CoverageReport, type OrgUnitCoverage, type RepCoverage } from './dto/coverage-report.dto';

/** The longest period one report covers: a year. */
export const MAX_COVERAGE_DAYS = 366;

const percent = (part: number, whole: number): number | null => (whole === 0 ? null : Math.round((part / whole) * 1000) / 10);

function figures(tasks: TaskCounts | undefined, checkIns: CheckInCounts | undefined): CoverageFigures {
  const customersDue = tasks?.customersDue ?? 0;
  const customersVisited = tasks?.customersVisited ?? 0;
  const tasksDue = tasks?.tasksDue ?? 0;
  const tasksCompleted = tasks?.tasksCompleted ?? 0;
  return {
    customersDue,
    customersVisited,
    coveragePercent: percent(customersVisited, customersDue),
    tasksDue,
    tasksCompleted,
    tasksMissed: tasks?.tasksMissed ?? 0,
    completionRatePercent: percent(tasksCompleted, tasksDue),
    checkIns: checkIns?.checkIns ?? 0,
    checkInsFlagged: checkIns?.checkInsFlagged ?? 0,
  };
}

const byKey = <T extends { key: string | null }>(rows: T[]): Map<string | null, T> => new Map(rows.map((row) => [row.key, row]));

/** Coverage reports: per rep and rolled up per org unit, within the caller's data scope. */
@Injectable()
export class CoverageService {
  constructor(
    private readonly coverage: CoverageRepository,
    private readonly settings: TenantSettingsRepository,
  ) {}

  /**
   * For the period (local dates in the tenant's time zone): each rep's customers due and visited,
   * coverage, task completion and flagged check-ins, and the same rolled up per org unit (every
   * prefix of the org paths: teams, regions, ...) at or under the caller's own unit and the
   * `orgUnitId` filter. Tasks count by their org path and assignee, check-ins by their user's.
   */
  async report(user: AuthenticatedUser, query: CoverageQuery): Promise<CoverageReport> {
    const timeZone = await this.settings.timeZone(user.tenantId);
    const from = localDate(query.from, timeZone);
    const to = localDate(query.to, timeZone);
    if (to < from) throw CoverageException.endsBeforeStart(from, to);
    const days = daysInclusive(from, to);
    if (days > MAX_COVERAGE_DAYS) throw CoverageException.tooLong(days, MAX_COVERAGE_DAYS);
    const counts = await this.coverage.counts({ subject: user, from, to, timeZone, orgUnitId: query.orgUnitId });

    const tasksByRep = byKey(counts.byRep);
    const checkInsByRep = byKey(counts.checkInsByRep);
    const reps: RepCoverage[] = [...new Set([...tasksByRep.keys(), ...checkInsByRep.keys()])].map((userId) => {
      const tasks = tasksByRep.get(userId);
      const checkIns = checkInsByRep.get(userId);
      return { userId, orgPath: tasks?.orgPath ?? checkIns?.orgPath ?? null, ...figures(tasks, checkIns) };
    });
    reps.sort((a, b) => (a.orgPath ?? '').localeCompare(b.orgPath ?? '') || (a.userId ?? '').localeCompare(b.userId ?? ''));

    const tasksByUnit = byKey(counts.byUnit);
    const checkInsByUnit = byKey(counts.checkInsByUnit);
    const paths = [...new Set([...tasksByUnit.keys(), ...checkInsByUnit.keys()])].filter((path): path is string => path !== null);
    const orgUnits: OrgUnitCoverage[] = paths.filter((path) => this.reportsOn(user, path, query.orgUnitId)).map((orgPath) => {
      const tasks = tasksByUnit.get(orgPath);
      const checkIns = checkInsByUnit.get(orgPath);
      const labels = orgPath.split('.');
      const reps = new Set([...(tasks?.assigneeIds ?? []).filter((id): id is string => id !== null), ...(checkIns?.userIds ?? [])]);
      return { orgPath, orgUnitId: orgUnitIdOf(labels.at(-1) ?? ''), depth: labels.length, reps: reps.size, ...figures(tasks, checkIns) };
    });
    orgUnits.sort((a, b) => a.orgPath.localeCompare(b.orgPath));
    return { from, to, timeZone, reps, orgUnits };
  }

  // A unit is rolled up for a caller whose scope reaches all of it (their own unit or below, the whole
  // tenant for `all`), and, with a filter, for the filter's unit or below: a unit above would show only a part.
  private reportsOn(user: AuthenticatedUser, path: string, orgUnitId: string | undefined): boolean {
    if (orgUnitId && !path.split('.').includes(orgUnitLabel(orgUnitId))) return false;
    if (user.scope === 'all') return true;
    if (user.scope === 'own') return false;
    return isUnderOrgPath(path, user.orgPath);
  }
}
