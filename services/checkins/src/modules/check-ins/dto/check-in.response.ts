import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CHECK_IN_STATUSES, type CheckInStatus, TRUST_REASONS, type TrustReason } from '@fieldforce/contracts';
import { CheckInPointDto } from './check-in-point.dto';
import { REVIEW_DECISIONS, type ReviewDecision } from './review-check-in.dto';

/** A photo of a phase: its upload and the SHA-256 sync verified for its bytes. */
export class CheckInPhotoResponse {
  @ApiProperty({ format: 'uuid' }) uploadId!: string;
  @ApiProperty({ pattern: '^[0-9a-f]{64}$' }) sha256!: string;
}

export class CheckInPhaseResponse {
  @ApiProperty({ type: CheckInPointDto }) point!: CheckInPointDto;
  @ApiProperty({ format: 'date-time' }) receivedAt!: string;
  @ApiPropertyOptional({ nullable: true, description: 'Metres from the customer; null when its location is unknown' })
  distanceM!: number | null;
  @ApiProperty({ minimum: 0, maximum: 100 }) trustScore!: number;
  @ApiProperty({ enum: TRUST_REASONS, isArray: true }) reasons!: TrustReason[];
  @ApiProperty({ type: [CheckInPhotoResponse] }) photos!: CheckInPhotoResponse[];
}

export class CheckInReviewResponse {
  @ApiProperty({ enum: REVIEW_DECISIONS }) decision!: ReviewDecision;
  @ApiProperty() note!: string;
  @ApiProperty({ format: 'uuid' }) reviewerId!: string;
  @ApiProperty({ format: 'date-time' }) reviewedAt!: string;
}

/** A check-in as REST returns it: the same state the check-in events carry. */
export class CheckInResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) tenantId!: string;
  @ApiProperty({ format: 'uuid' }) userId!: string;
  @ApiProperty() orgPath!: string;
  @ApiProperty() deviceId!: string;
  @ApiProperty({ format: 'uuid' }) customerId!: string;
  @ApiPropertyOptional({ format: 'uuid', nullable: true }) taskId!: string | null;
  @ApiProperty() offline!: boolean;
  @ApiProperty({ enum: CHECK_IN_STATUSES }) status!: CheckInStatus;
  @ApiProperty({ minimum: 0, maximum: 100, description: 'The lower of the two phases' }) trustScore!: number;
  @ApiProperty({ enum: TRUST_REASONS, isArray: true }) reasons!: TrustReason[];
  @ApiProperty({ type: CheckInPhaseResponse }) checkIn!: CheckInPhaseResponse;
  @ApiPropertyOptional({ type: CheckInPhaseResponse, nullable: true }) checkOut!: CheckInPhaseResponse | null;
  @ApiPropertyOptional({ nullable: true }) durationS!: number | null;
  @ApiPropertyOptional({ type: CheckInReviewResponse, nullable: true }) review!: CheckInReviewResponse | null;
  @ApiProperty() version!: number;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class CheckInPageResponse {
  @ApiProperty({ type: [CheckInResponse] }) items!: CheckInResponse[];
  @ApiPropertyOptional({ nullable: true }) nextCursor!: string | null;
}
