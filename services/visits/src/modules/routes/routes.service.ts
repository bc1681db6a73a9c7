import { Inject, Injectable, Logger } from '@nestjs/common';
import { type AuthenticatedUser } from '@fieldforce/auth';
import { InjectConfig } from '@fieldforce/platform';
import { type VisitsConfig } from '../../config/visits.config';
import { localDate } from '../plans/visit-cycles';
import { TenantSettingsRepository } from '../settings/tenant-settings.repository';
import { DISTANCE_PROVIDER, type DistanceProvider, DistanceProviderError, type LatLng } from './distance/distance-provider';
import { HaversineDistanceProvider } from './distance/haversine.distance-provider';
import { type RecommendedRoute, type RoutePoint, type RouteQuery, type RouteStopDto, type UnscheduledTaskDto } from './dto/route.dto';
import { naiveRoute, planRoute, type RouteProblem, type RouteStop, type TravelMatrix } from './route-planner';
import { RouteException } from './routes.exception';
import { type RouteTask, RoutesRepository } from './routes.repository';

/**
 * The most tasks one route plans: with the start and the end point that is 100 coordinates, the
 * largest table an OSRM server answers by default. Tasks beyond (by due date) are listed as over the limit.
 */
export const MAX_ROUTE_TASKS = 98;
// Open tasks read for one route: those beyond MAX_ROUTE_TASKS are only listed.
const MAX_LISTED_TASKS = 500;

function parsePoint(value: string, field: string): RoutePoint {
  const [lat, lng] = value.split(',').map((part) => Number(part.trim()));
  if (lat === undefined || lng === undefined || !(Math.abs(lat) <= 90) || !(Math.abs(lng) <= 180)) {
    throw RouteException.invalidQuery(field, 'must be lat,lng with latitude in [-90, 90] and longitude in [-180, 180]');
  }
  return { lat, lng };
}

const iso = (seconds: number): string => new Date(Math.round(seconds * 1000)).toISOString();

/**
 * The recommended route of a rep's day. The day's tasks are the assignee's open tasks due that day
 * or before (overdue ones, which go first when not all fit). Tasks have a due date but no time of
 * day, so a task's time window comes from its due time: it may start when the working day starts and
 * must be over by its due time (the end of its due date, tenant time zone) and by the end of the
 * working day (ROUTE_WORKDAY_START/END); the planner honours any narrower window the same way.
 * A visit lasts the expected duration of the template version the task follows.
 */
@Injectable()
export class RoutesService {
  private readonly logger = new Logger(RoutesService.name);
  private readonly fallback: HaversineDistanceProvider;

  constructor(
    private readonly routes: RoutesRepository,
    private readonly settings: TenantSettingsRepository,
    @Inject(DISTANCE_PROVIDER) private readonly distances: DistanceProvider,
    @InjectConfig() private readonly config: VisitsConfig,
  ) {
    this.fallback = new HaversineDistanceProvider({ detourFactor: config.routing.detourFactor, speedKmh: config.routing.speedKmh });
  }

  async recommend(user: AuthenticatedUser, query: RouteQuery, now = new Date()): Promise<RecommendedRoute> {
    const assigneeId = query.assigneeId ?? user.userId;
    // A rep sees only their own tasks: asking for another's route is refused rather than answered empty.
    if (user.scope === 'own' && assigneeId !== user.userId) throw RouteException.assigneeOutOfScope(assigneeId);
    const start = parsePoint(query.start, 'start');
    const end = query.end === undefined ? null : parsePoint(query.end, 'end');
    const timeZone = await this.settings.timeZone(user.tenantId);
    let date: string;
    try {
      date = localDate(query.date ?? now.toISOString(), timeZone);
    } catch {
      throw RouteException.invalidQuery('date', 'must be a calendar date YYYY-MM-DD');
    }
    const workday = await this.routes.localDay(date, this.config.routing.workday.start, this.config.routing.workday.end, timeZone);
    const departAt = query.departAt === undefined ? workday.start : new Date(query.departAt);
    if (Number.isNaN(departAt.getTime())) throw RouteException.invalidQuery('departAt', 'must be an ISO 8601 instant');

    const tasks = await this.routes.openTasksUntil(user, assigneeId, date, timeZone, MAX_LISTED_TASKS);
    const unscheduled: UnscheduledTaskDto[] = [];
    const routed: RouteTask[] = [];
    for (const task of tasks) {
      if (task.lat === null || task.lng === null) unscheduled.push(this.unscheduled(task, date, 'no-location'));
      else if (routed.length >= MAX_ROUTE_TASKS) unscheduled.push(this.unscheduled(task, date, 'over-limit'));
      else routed.push(task);
    }

    const points: LatLng[] = [start, ...routed.map((task) => ({ lat: task.lat!, lng: task.lng! })), ...(end ? [end] : [])];
    const { matrix, source, warnings } = await this.measure(points);
    const workdayStart = workday.start.getTime() / 1000;
    const workdayEnd = workday.end.getTime() / 1000;
    const stops: RouteStop[] = routed.map((task, index) => {
      const serviceSeconds = task.visitMinutes * 60;
      const overdue = task.dueDate < date;
      // An overdue task is late whenever it is done: its window is the working day.
      const dueBy = overdue ? workdayEnd : Math.min(workdayEnd, task.dueAt.getTime() / 1000);
      return { node: index + 1, serviceSeconds, earliest: workdayStart, latest: dueBy - serviceSeconds, urgent: overdue };
    });
    const problem: RouteProblem = { stops, matrix, departAt: departAt.getTime() / 1000, endBy: workdayEnd, endNode: end ? points.length - 1 : undefined };
    const plan = planRoute(problem);
    const naive = naiveRoute(problem);

    const routeStops: RouteStopDto[] = plan.visits.map((visit, index) => {
      const task = routed[visit.stop]!;
      const stop = stops[visit.stop]!;
      return {
        sequence: index + 1,
        taskId: task.id,
        customerId: task.customerId,
        customerName: task.customerName,
        location: { lat: task.lat!, lng: task.lng! },
        dueDate: task.dueDate,
        overdue: stop.urgent,
        visitMinutes: task.visitMinutes,
        window: { earliest: iso(stop.earliest), latest: iso(stop.latest) },
        leg: { distanceMeters: Math.round(visit.legDistance), durationSeconds: Math.round(visit.legDuration) },
        arrivalAt: iso(visit.arrival),
        waitSeconds: Math.round(visit.start - visit.arrival),
        startAt: iso(visit.start),
        departAt: iso(visit.departure),
      };
    });
    for (const { stop, reason } of plan.unscheduled) unscheduled.push(this.unscheduled(routed[stop]!, date, reason));
    const lastDeparture = plan.visits.at(-1)?.departure ?? problem.departAt;
    return {
      date,
      timeZone,
      assigneeId,
      distanceSource: source,
      warnings,
      start,
      end,
      departAt: departAt.toISOString(),
      workdayEndsAt: workday.end.toISOString(),
      stops: routeStops,
      endLeg: plan.endLeg && {
        distanceMeters: Math.round(plan.endLeg.distance),
        durationSeconds: Math.round(plan.endLeg.duration),
        arrivalAt: iso(plan.endLeg.arrival),
      },
      totalDistanceMeters: Math.round(plan.score.distance),
      totalTravelSeconds: Math.round(plan.visits.reduce((sum, visit) => sum + visit.legDuration, 0) + (plan.endLeg?.duration ?? 0)),
      finishesAt: iso(plan.endLeg?.arrival ?? lastDeparture),
      unscheduled,
      naive: { scheduled: naive.score.scheduled, totalDistanceMeters: Math.round(naive.score.distance) },
    };
  }

  // The configured provider; straight lines when it fails, so a rep still gets a route (with a warning).
  private async measure(points: LatLng[]): Promise<{ matrix: TravelMatrix; source: string; warnings: string[] }> {
    try {
      return { matrix: await this.distances.matrix(points), source: this.distances.name, warnings: [] };
    } catch (error) {
      if (!(error instanceof DistanceProviderError)) throw error;
      this.logger.warn(`distance provider ${this.distances.name} failed, using straight lines: ${error.message}`);
      return {
        matrix: await this.fallback.matrix(points),
        source: this.fallback.name,
        warnings: [`${this.distances.name} failed (${error.message}); distances are straight lines × ${this.config.routing.detourFactor}`],
      };
    }
  }

  private unscheduled(task: RouteTask, date: string, reason: UnscheduledTaskDto['reason']): UnscheduledTaskDto {
    return { taskId: task.id, customerId: task.customerId, customerName: task.customerName, dueDate: task.dueDate, overdue: task.dueDate < date, reason };
  }
}
