import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class GeoPointResponse {
  @ApiProperty() lat!: number;
  @ApiProperty() lng!: number;
}

export class LineStringResponse {
  @ApiProperty({ enum: ['LineString'] }) type!: 'LineString';
  @ApiProperty({ type: 'array', items: { type: 'array', items: { type: 'number' } }, description: '[lng, lat] pairs' })
  coordinates!: [number, number][];
}

export class TrackPropertiesResponse {
  @ApiProperty({ format: 'uuid' }) userId!: string;
  @ApiProperty({ format: 'date-time' }) from!: string;
  @ApiProperty({ format: 'date-time' }) to!: string;
  @ApiProperty() simplifyM!: number;
  @ApiProperty({ description: 'Distance travelled in metres, jitter filtered' }) mileageM!: number;
  @ApiProperty({ description: 'Raw points stored in the range' }) pointCount!: number;
  @ApiProperty({ description: 'Points left after the jitter filter' }) usedPointCount!: number;
  @ApiProperty({ type: [String], description: 'Capture time of each vertex' }) times!: string[];
}

/** A track as a GeoJSON Feature; the geometry is null with fewer than two vertices. */
export class TrackResponse {
  @ApiProperty({ enum: ['Feature'] }) type!: 'Feature';
  @ApiPropertyOptional({ type: LineStringResponse, nullable: true }) geometry!: LineStringResponse | null;
  @ApiProperty({ type: TrackPropertiesResponse }) properties!: TrackPropertiesResponse;
}

export class StopCustomerResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ description: "Metres from the stop's centre to the customer" }) distanceM!: number;
}

export class StopResponse {
  @ApiProperty({ format: 'date-time' }) arrivedAt!: string;
  @ApiProperty({ format: 'date-time' }) departedAt!: string;
  @ApiProperty() durationS!: number;
  @ApiProperty({ type: GeoPointResponse }) centre!: GeoPointResponse;
  @ApiPropertyOptional({ type: StopCustomerResponse, nullable: true, description: "The customer whose geofence holds the stop" })
  customer!: StopCustomerResponse | null;
  @ApiProperty({ description: 'At a customer, without a task check-in covering the stop' }) unplannedVisit!: boolean;
}

export class TripResponse {
  @ApiProperty({ format: 'date-time' }) startedAt!: string;
  @ApiProperty({ format: 'date-time' }) endedAt!: string;
  @ApiProperty() durationS!: number;
  @ApiProperty() distanceM!: number;
  @ApiProperty({ type: GeoPointResponse }) from!: GeoPointResponse;
  @ApiProperty({ type: GeoPointResponse }) to!: GeoPointResponse;
}

export class StopListResponse {
  @ApiProperty({ type: [StopResponse] }) items!: StopResponse[];
}

export class TripListResponse {
  @ApiProperty({ type: [TripResponse] }) items!: TripResponse[];
}
