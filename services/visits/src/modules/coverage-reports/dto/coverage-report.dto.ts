import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsOptional, IsUUID } from 'class-validator';

/** `GET /api/v1/reports/coverage`: the period (local dates of the tenant) and, optionally, one org unit. */
export class CoverageQuery {
  @ApiProperty({ example: '2031-03-01', description: "First day; a date-time counts on its date in the tenant's time zone" })
  @IsISO8601({ strict: true })
  from!: string;

  @ApiProperty({ example: '2031-03-31', description: 'Last day, included' })
  @IsISO8601({ strict: true })
  to!: string;

  @ApiPropertyOptional({ description: 'Only what lies at or under this org unit' })
  @IsOptional()
  @IsUUID()
  orgUnitId?: string;
}

/** The coverage figures of one rep or one org unit over the period. */
export class CoverageFigures {
  @ApiProperty({ description: 'Distinct customers with a task due in the period (cancelled ones aside)' }) customersDue!: number;
  @ApiProperty({ description: 'Of those, customers visited: a completed task due in the period, or a check-in (not rejected) by its assignee in the period' })
  customersVisited!: number;
  @ApiProperty({ nullable: true, type: Number, description: 'customersVisited / customersDue in percent, one decimal; null without customers due' })
  coveragePercent!: number | null;
  @ApiProperty({ description: 'Tasks due in the period, cancelled ones aside' }) tasksDue!: number;
  @ApiProperty() tasksCompleted!: number;
  @ApiProperty() tasksMissed!: number;
  @ApiProperty({ nullable: true, type: Number, description: 'tasksCompleted / tasksDue in percent, one decimal; null without tasks due' })
  completionRatePercent!: number | null;
  @ApiProperty({ description: 'Check-ins recorded in the period' }) checkIns!: number;
  @ApiProperty({ description: 'Of those, check-ins the trust checks flagged (reviewed or not)' }) checkInsFlagged!: number;
}

/** One rep's row: their tasks and check-ins. */
export class RepCoverage extends CoverageFigures {
  @ApiProperty({ nullable: true, type: String, description: 'The rep; null for tasks without assignee' }) userId!: string | null;
  @ApiProperty({ nullable: true, type: String, description: "The org path most of the rep's tasks (else check-ins) carry" }) orgPath!: string | null;
}

/** One org unit's roll-up: everything at or under its path (a team, a region, ... by depth). */
export class OrgUnitCoverage extends CoverageFigures {
  @ApiProperty() orgPath!: string;
  @ApiProperty({ nullable: true, type: String, description: 'The org unit the last label of the path stands for' }) orgUnitId!: string | null;
  @ApiProperty({ description: 'Labels in the path: 1 for the root unit' }) depth!: number;
  @ApiProperty({ description: 'Reps with tasks or check-ins under the unit' }) reps!: number;
}

export class CoverageReport {
  @ApiProperty() from!: string;
  @ApiProperty() to!: string;
  @ApiProperty() timeZone!: string;
  @ApiProperty({ type: [RepCoverage] }) reps!: RepCoverage[];
  @ApiProperty({ type: [OrgUnitCoverage], description: "Units at or under the caller's own unit (none for own scope), by path" })
  orgUnits!: OrgUnitCoverage[];
}
