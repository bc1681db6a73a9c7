import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsString, Length } from 'class-validator';

export const REVIEW_DECISIONS = ['approved', 'rejected'] as const;
export type ReviewDecision = (typeof REVIEW_DECISIONS)[number];

/** `POST /api/v1/check-ins/:id/review`: a supervisor's decision on a flagged check-in. */
export class ReviewCheckInDto {
  @ApiProperty({ enum: REVIEW_DECISIONS })
  @IsIn(REVIEW_DECISIONS)
  decision!: ReviewDecision;

  @ApiProperty({ example: 'Customer moved next door; address update requested.' })
  @IsString()
  @Length(1, 2000)
  note!: string;
}
