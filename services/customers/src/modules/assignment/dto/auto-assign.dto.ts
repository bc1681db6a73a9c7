import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { ORG_PATH_REGEX } from '@fieldforce/contracts';
import { type Strategy, STRATEGIES } from '../assignment-strategies';

export class AutoAssignDto {
  @ApiProperty({
    enum: STRATEGIES,
    description:
      'territory: customers inside a rep territory go to that rep; nearest: to the rep with the closest home base; ' +
      'balanced: even weighted workload (visits per month by grade), respecting territories',
  })
  @IsIn(STRATEGIES)
  strategy!: Strategy;

  @ApiPropertyOptional({
    example: 'emea.north',
    description: "Org path whose customers and reps take part (default: the caller's own unit, or the whole tenant for scope all)",
  })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  @Matches(ORG_PATH_REGEX, { message: 'must be an org path (labels of letters, digits and _ joined by .)' })
  scope?: string;

  @ApiProperty({ description: 'true: only propose the moves and the workloads; false: apply them' })
  @IsBoolean()
  dryRun!: boolean;
}

export class WorkloadResponse {
  @ApiProperty() customers!: number;
  @ApiProperty({ description: 'Visits per month' }) weight!: number;
}

export class RepWorkloadResponse {
  @ApiProperty({ format: 'uuid' }) repId!: string;
  @ApiProperty({ type: WorkloadResponse }) before!: WorkloadResponse;
  @ApiProperty({ type: WorkloadResponse }) after!: WorkloadResponse;
}

export class MoveResponse {
  @ApiProperty({ format: 'uuid' }) customerId!: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) fromOwnerId!: string | null;
  @ApiProperty({ format: 'uuid' }) toOwnerId!: string;
}

export class SpreadResponse {
  @ApiProperty() before!: number;
  @ApiProperty() after!: number;
}

export class AutoAssignResult {
  @ApiProperty({ enum: STRATEGIES }) strategy!: Strategy;
  @ApiProperty() dryRun!: boolean;
  @ApiProperty({ type: [MoveResponse] }) moves!: MoveResponse[];
  @ApiProperty({ type: [RepWorkloadResponse] }) workload!: RepWorkloadResponse[];
  @ApiProperty({ type: SpreadResponse, description: 'Largest minus smallest weighted workload among the reps' }) spread!: SpreadResponse;
  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'Moves applied (null for a dry run); fewer than proposed when customers changed owner meanwhile',
  })
  applied!: number | null;
}

export class HomeBaseResponse {
  @ApiProperty({ format: 'uuid' }) userId!: string;
  @ApiProperty() lat!: number;
  @ApiProperty() lng!: number;
}
