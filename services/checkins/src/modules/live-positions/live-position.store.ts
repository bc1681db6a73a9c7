import { Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { InjectRedis } from '@fieldforce/platform';

/** The latest known position of a user. */
export interface LivePosition {
  userId: string;
  lat: number;
  lng: number;
  accuracyM: number;
  speedMps: number | null;
  headingDeg: number | null;
  capturedAt: string;
  deviceId: string;
}

/** A live position found by a radius search, with its distance from the centre. */
export type NearbyPosition = LivePosition & { distanceM: number };

type StoredPosition = Omit<LivePosition, 'userId'>;

// Replaces a user's position only with a newer one: batches arrive late and out of order.
// KEYS: geo set, position hash. ARGV: user id, capture time (ms), lng, lat, position JSON.
const RECORD_IF_NEWER = `
local current = redis.call('HGET', KEYS[2], ARGV[1])
if current and tonumber(cjson.decode(current).t) >= tonumber(ARGV[2]) then return 0 end
redis.call('GEOADD', KEYS[1], ARGV[3], ARGV[4], ARGV[1])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[5])
return 1`;

const geoKey = (tenantId: string): string => `live-positions:${tenantId}:geo`;
const positionsKey = (tenantId: string): string => `live-positions:${tenantId}:points`;

/**
 * Latest position per user in Redis: a GEO set per tenant for radius searches and a hash with
 * the details. Rebuildable from the track points; never the source of truth.
 */
// The script is loaded once and then called by its SHA (EVALSHA), not sent with every batch.
interface LivePositionCommands {
  recordLivePositionIfNewer(geo: string, positions: string, userId: string, t: string, lng: string, lat: string, json: string): Promise<number>;
}

@Injectable()
export class LivePositionStore {
  private readonly commands: LivePositionCommands;

  constructor(@InjectRedis() private readonly redis: Redis) {
    if (!('recordLivePositionIfNewer' in redis)) redis.defineCommand('recordLivePositionIfNewer', { numberOfKeys: 2, lua: RECORD_IF_NEWER });
    this.commands = redis as unknown as LivePositionCommands;
  }

  /** Records the position unless a newer one of the user is already there; true when it was recorded. */
  async record(tenantId: string, position: LivePosition): Promise<boolean> {
    const { userId, ...stored } = position;
    const t = Date.parse(stored.capturedAt);
    const recorded = await this.commands.recordLivePositionIfNewer(
      geoKey(tenantId),
      positionsKey(tenantId),
      userId,
      String(t),
      String(stored.lng),
      String(stored.lat),
      JSON.stringify({ ...stored, t }),
    );
    return recorded === 1;
  }

  /** Users within `radiusM` of the point, nearest first, at most `limit`. */
  async near(tenantId: string, centre: { lat: number; lng: number }, radiusM: number, limit: number): Promise<NearbyPosition[]> {
    const found = (await this.redis.call(
      'GEOSEARCH',
      geoKey(tenantId),
      'FROMLONLAT',
      String(centre.lng),
      String(centre.lat),
      'BYRADIUS',
      String(radiusM),
      'm',
      'ASC',
      'COUNT',
      String(limit),
      'WITHDIST',
    )) as [string, string][];
    const positions = await this.of(tenantId, found.map(([userId]) => userId));
    const distances = new Map(found.map(([userId, distance]) => [userId, Number(distance)]));
    return positions.map((position) => ({ ...position, distanceM: distances.get(position.userId)! }));
  }

  /** The positions of the given users that are known, in the order given. */
  async of(tenantId: string, userIds: readonly string[]): Promise<LivePosition[]> {
    if (userIds.length === 0) return [];
    const values = await this.redis.hmget(positionsKey(tenantId), ...userIds);
    return userIds.flatMap((userId, index) => {
      const value = values[index];
      if (!value) return [];
      const { t: _t, ...stored } = JSON.parse(value) as StoredPosition & { t: number };
      return [{ userId, ...stored }];
    });
  }
}
