import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsISO8601, IsOptional, IsUUID } from 'class-validator';

/** `POST /api/v1/visit-plans/generate`: the period to plan and, optionally, whose customers. */
export class GeneratePlanDto {
  @ApiProperty({ example: '2031-03-01', description: "First day; a date-time counts on its date in the tenant's time zone" })
  @IsISO8601({ strict: true })
  from!: string;

  @ApiProperty({ example: '2031-03-31', description: 'Last day, included' })
  @IsISO8601({ strict: true })
  to!: string;

  @ApiPropertyOptional({ type: [String], description: 'Only customers owned by these users' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  @IsUUID('all', { each: true })
  ownerIds?: string[];

  @ApiPropertyOptional({ description: 'Only customers at or under this org unit' })
  @IsOptional()
  @IsUUID()
  orgUnitId?: string;
}

/** What a generation did: tasks created, customer cycles already covered, and created tasks per owner. */
export class PlanResultDto {
  @ApiProperty({ example: '2031-03-01' }) from!: string;
  @ApiProperty({ example: '2031-03-31' }) to!: string;
  @ApiProperty({ example: 'Europe/Berlin' }) timeZone!: string;
  @ApiProperty() created!: number;
  @ApiProperty({ description: 'Cycles the period requires that a task of the customer already covered' }) skipped!: number;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'number' }, description: "Created tasks per owner id ('unassigned' for customers without owner)" })
  byOwner!: Record<string, number>;
}
