import { Module } from '@nestjs/common';
import { SERVICE_CONFIG } from '@fieldforce/platform';
import { type VisitsConfig } from '../../config/visits.config';
import { SettingsModule } from '../settings/settings.module';
import { DISTANCE_PROVIDER, type DistanceProvider } from './distance/distance-provider';
import { HaversineDistanceProvider } from './distance/haversine.distance-provider';
import { OsrmDistanceProvider } from './distance/osrm.distance-provider';
import { RoutesController } from './routes.controller';
import { RoutesRepository } from './routes.repository';
import { RoutesService } from './routes.service';

/** The distance provider ROUTE_DISTANCE_PROVIDER names. */
function distanceProvider(config: VisitsConfig): DistanceProvider {
  const { routing } = config;
  switch (routing.provider) {
    case 'haversine':
      return new HaversineDistanceProvider({ detourFactor: routing.detourFactor, speedKmh: routing.speedKmh });
    case 'osrm':
      // The env validation requires the URL with this provider.
      return new OsrmDistanceProvider({ url: routing.osrm.url ?? '', profile: routing.osrm.profile, timeoutMs: routing.osrm.timeoutMs });
    default: {
      const unknown: never = routing.provider;
      throw new TypeError(`unknown distance provider ${String(unknown)}`);
    }
  }
}

/** The recommended route of a rep's day. */
@Module({
  imports: [SettingsModule],
  controllers: [RoutesController],
  providers: [RoutesRepository, RoutesService, { provide: DISTANCE_PROVIDER, useFactory: distanceProvider, inject: [SERVICE_CONFIG] }],
})
export class RoutesModule {}
