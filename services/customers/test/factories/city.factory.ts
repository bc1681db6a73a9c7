import { randomUUID } from 'node:crypto';
import { type UserState } from '@fieldforce/contracts';
import { type CustomerRow } from './customer.factory';
import { userState } from './user.factory';

// A deterministic pseudo-random sequence, so a failing city can be rebuilt.
export function seededRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

/** A city to assign: its reps in two teams, and customers spread over it, most owned by one rep. */
export interface City {
  tenantId: string;
  /** Reps of `city.team1` then `city.team2`. */
  reps: UserState[];
  customers: (CustomerRow & { id: string; lat: number; lng: number; grade: string })[];
  /** The city's extent in degrees. */
  bounds: { minLng: number; maxLng: number; minLat: number; maxLat: number };
}

/**
 * `size` customers over a 0.8° × 0.4° city (around Berlin), grades A–D, 70% owned by the first
 * rep and the rest spread over the others; six reps, three per team.
 */
export function generateCity(size: number, seed: number): City {
  const tenantId = randomUUID();
  const random = seededRandom(seed);
  const reps = [1, 2, 3, 4, 5, 6].map((n) => userState({ tenantId, orgPath: n <= 3 ? 'city.team1' : 'city.team2', displayName: `Rep ${n}` }));
  const bounds = { minLng: 13.0, maxLng: 13.8, minLat: 52.3, maxLat: 52.7 };
  const grades = ['A', 'B', 'B', 'C', 'C', 'C', 'D', 'D'];
  const customers = Array.from({ length: size }, (_, index) => {
    const owner = random() < 0.7 ? reps[0]! : reps[1 + Math.floor(random() * 5)]!;
    return {
      id: randomUUID(),
      tenantId,
      name: `City customer ${index}`,
      grade: grades[Math.floor(random() * grades.length)]!,
      lat: bounds.minLat + random() * (bounds.maxLat - bounds.minLat),
      lng: bounds.minLng + random() * (bounds.maxLng - bounds.minLng),
      ownerId: owner.id,
      orgPath: owner.orgPath,
    };
  });
  return { tenantId, reps, customers, bounds };
}
