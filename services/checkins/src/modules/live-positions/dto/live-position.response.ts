import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class LivePositionResponse {
  @ApiProperty({ format: 'uuid' }) userId!: string;
  @ApiProperty() lat!: number;
  @ApiProperty() lng!: number;
  @ApiProperty() accuracyM!: number;
  @ApiPropertyOptional({ nullable: true }) speedMps!: number | null;
  @ApiPropertyOptional({ nullable: true }) headingDeg!: number | null;
  @ApiProperty({ format: 'date-time' }) capturedAt!: string;
  @ApiProperty() deviceId!: string;
  @ApiPropertyOptional({ description: 'Metres from `near`, when asked for' }) distanceM?: number;
}

export class LivePositionListResponse {
  @ApiProperty({ type: [LivePositionResponse] }) items!: LivePositionResponse[];
}
