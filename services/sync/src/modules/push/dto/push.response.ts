import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { type FieldConflict } from '@fieldforce/merge';
import { type ProblemDetails } from '@fieldforce/platform';

export const RESULT_STATUSES = ['applied', 'merged', 'rejected', 'retry', 'pending'] as const;
export type MutationStatus = (typeof RESULT_STATUSES)[number];

/** One mutation's result: final (`applied`, `merged`, `rejected`) or to be pushed again (`retry`, `pending`). */
export class MutationResultResponse {
  @ApiProperty()
  mutationId!: number;

  @ApiProperty({
    enum: RESULT_STATUSES,
    description:
      'applied / merged (with conflicts and their resolution) / rejected (with a problem): final, the same answer on every replay. ' +
      'retry: its owner is unavailable, push it again; pending: not attempted because an earlier one waits',
  })
  status!: MutationStatus;

  @ApiPropertyOptional({ description: 'The record version after the mutation' })
  version?: number;

  @ApiPropertyOptional({ type: 'array', items: { type: 'object' }, description: 'Fields changed on both sides: base, server and client values, winner and rule' })
  conflicts?: FieldConflict[];

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, nullable: true, description: 'The record after the mutation, as its owner shows it to the user' })
  data?: Record<string, unknown> | null;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'Why it was rejected or must be retried (problem+json)' })
  problem?: ProblemDetails;
}

export class PushResponse {
  @ApiProperty({ type: [MutationResultResponse], description: 'One entry per pushed mutation, in order' })
  results!: MutationResultResponse[];
}
