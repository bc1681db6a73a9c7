import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsOptional, IsUUID, Matches } from 'class-validator';
import { type UnscheduledReason } from '../route-planner';

// `lat,lng` in decimal degrees; the ranges are checked after parsing.
const LAT_LNG = /^\s*-?\d{1,2}(\.\d+)?\s*,\s*-?\d{1,3}(\.\d+)?\s*$/;

/** `GET /api/v1/visit-tasks/route`: whose day, which day, from where. */
export class RouteQuery {
  @ApiPropertyOptional({ example: '2031-03-04', description: "The day (tenant time zone); default today" })
  @IsOptional()
  @IsISO8601({ strict: true })
  date?: string;

  @ApiPropertyOptional({ description: 'Whose route; default the caller. A rep may ask only for their own' })
  @IsOptional()
  @IsUUID()
  assigneeId?: string;

  @ApiProperty({ example: '52.5200,13.4050', description: 'Where the route starts, lat,lng' })
  @Matches(LAT_LNG, { message: 'start must be lat,lng in decimal degrees' })
  start!: string;

  @ApiPropertyOptional({ example: '52.5200,13.4050', description: 'Where the route ends after the last visit (e.g. home), lat,lng; default at the last visit' })
  @IsOptional()
  @Matches(LAT_LNG, { message: 'end must be lat,lng in decimal degrees' })
  end?: string;

  @ApiPropertyOptional({ example: '2031-03-04T09:30:00Z', description: 'When the rep sets off; default the start of the working day' })
  @IsOptional()
  @IsISO8601({ strict: true })
  departAt?: string;
}

export interface RoutePoint {
  lat: number;
  lng: number;
}

/** The leg that leads to a visit (or to the end point). */
export interface RouteLeg {
  distanceMeters: number;
  durationSeconds: number;
}

export interface RouteStopDto {
  sequence: number;
  taskId: string;
  customerId: string;
  customerName: string;
  location: RoutePoint;
  dueDate: string;
  /** Due before the route's day. */
  overdue: boolean;
  visitMinutes: number;
  /** When the visit may start and by when it must have started. */
  window: { earliest: string; latest: string };
  leg: RouteLeg;
  /** The ETA at the customer. */
  arrivalAt: string;
  waitSeconds: number;
  startAt: string;
  departAt: string;
}

export type UnscheduledRouteReason = UnscheduledReason | 'no-location' | 'over-limit';

export interface UnscheduledTaskDto {
  taskId: string;
  customerId: string;
  customerName: string;
  dueDate: string;
  overdue: boolean;
  /** `day-full`: it fits alone but not with the visits placed; `unreachable-in-window`: not even alone; `no-location`: its customer has no coordinates; `over-limit`: beyond the tasks one route plans. */
  reason: UnscheduledRouteReason;
}

/** The recommended route of one rep for one day. */
export interface RecommendedRoute {
  date: string;
  timeZone: string;
  assigneeId: string;
  /** How travel was measured (`haversine` also when the routing engine failed: see warnings). */
  distanceSource: string;
  warnings: string[];
  start: RoutePoint;
  end: RoutePoint | null;
  departAt: string;
  workdayEndsAt: string;
  stops: RouteStopDto[];
  endLeg: (RouteLeg & { arrivalAt: string }) | null;
  totalDistanceMeters: number;
  totalTravelSeconds: number;
  finishesAt: string;
  unscheduled: UnscheduledTaskDto[];
  /** The same day in due-date order (the naive route), for comparison. */
  naive: { scheduled: number; totalDistanceMeters: number };
}
