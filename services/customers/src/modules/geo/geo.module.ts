import { Module } from '@nestjs/common';
import { SpatialSupport } from './spatial-support';

/** Spatial backend detection; the geometry functions themselves are plain imports. */
@Module({ providers: [SpatialSupport], exports: [SpatialSupport] })
export class GeoModule {}
