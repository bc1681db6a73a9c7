import { Injectable } from '@nestjs/common';
import { type AuthenticatedUser, isInScope } from '@fieldforce/auth';
import { isUnderOrgPath } from '@fieldforce/contracts';
import { InjectConfig } from '@fieldforce/platform';
import { type CheckinsConfig } from '../../config/checkins.config';
import { DirectoryService } from '../directory/directory.service';
import { DEFAULT_NEAR_RADIUS_M, type LivePositionsQuery } from './dto/live-positions.query';
import { type LivePosition, LivePositionStore, type NearbyPosition } from './live-position.store';
import { LivePositionException } from './live-positions.exception';

const DEFAULT_LIMIT = 100;

/**
 * Who is where now: the latest positions of the users a reader may see, near a place (dispatch)
 * or in an org unit (supervisors). Positions older than LIVE_POSITION_MAX_AGE_SECONDS are left out.
 */
@Injectable()
export class LivePositionsService {
  constructor(
    private readonly store: LivePositionStore,
    private readonly directory: DirectoryService,
    @InjectConfig() private readonly config: CheckinsConfig,
  ) {}

  /** The live positions matching the query within the reader's data scope, nearest first when `near` is given. */
  async find(viewer: AuthenticatedUser, query: LivePositionsQuery, now = new Date()): Promise<(LivePosition | NearbyPosition)[]> {
    const limit = query.limit ?? DEFAULT_LIMIT;
    const unitPath = query.orgUnitId === undefined ? undefined : await this.unitPath(viewer, query.orgUnitId);
    let positions: (LivePosition | NearbyPosition)[];
    if (query.near !== undefined) {
      const [lat, lng] = query.near.split(',').map(Number) as [number, number];
      // Fetch more than asked: some of the nearest may be out of scope or stale.
      positions = await this.store.near(viewer.tenantId, { lat, lng }, query.radiusM ?? DEFAULT_NEAR_RADIUS_M, limit * 5);
    } else {
      const candidates = viewer.scope === 'own' ? [viewer.userId] : (await this.directory.usersUnder(viewer.tenantId, unitPath ?? viewer.orgPath)).map((user) => user.id);
      positions = await this.store.of(viewer.tenantId, candidates);
    }
    const orgPaths = await this.directory.orgPathsOf(viewer.tenantId, positions.map((position) => position.userId));
    const freshFrom = now.getTime() - this.config.tracking.livePositionMaxAgeSeconds * 1000;
    return positions
      .filter((position) => {
        const orgPath = orgPaths.get(position.userId);
        if (Date.parse(position.capturedAt) < freshFrom) return false;
        if (position.userId === viewer.userId) return unitPath === undefined || (orgPath !== undefined && isUnderOrgPath(orgPath, unitPath));
        if (orgPath === undefined || !isInScope(viewer, { tenantId: viewer.tenantId, ownerId: position.userId, orgPath })) return false;
        return unitPath === undefined || isUnderOrgPath(orgPath, unitPath);
      })
      .slice(0, limit);
  }

  /** The org unit's path, if the unit is known and lies where the reader may look. */
  private async unitPath(viewer: AuthenticatedUser, orgUnitId: string): Promise<string> {
    const path = await this.directory.orgUnitPath(viewer.tenantId, orgUnitId);
    const visible = path !== undefined && (viewer.scope === 'all' || (viewer.scope !== 'own' && isUnderOrgPath(path, viewer.orgPath)));
    if (!visible) throw LivePositionException.orgUnitNotFound(orgUnitId);
    return path;
  }
}
