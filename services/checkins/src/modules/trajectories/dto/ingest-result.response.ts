import { ApiProperty } from '@nestjs/swagger';
import { PointRejection } from '../track/track-point';

export class RejectedPointResponse {
  @ApiProperty({ description: 'Position of the point in the batch' }) index!: number;
  @ApiProperty({ enum: PointRejection }) reason!: PointRejection;
  @ApiProperty() message!: string;
}

/** What became of a batch: every point is accepted (new), a duplicate (stored before), or rejected. */
export class IngestResultResponse {
  @ApiProperty() accepted!: number;
  @ApiProperty() duplicates!: number;
  @ApiProperty({ type: [RejectedPointResponse] }) rejected!: RejectedPointResponse[];
}
