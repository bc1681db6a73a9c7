import { type PlanCustomer, planAssignment, type PlanRep, type PlanTerritory, workloadWeight } from './assignment-strategies';

const square = (lng: number, lat: number, size: number): PlanTerritory['geometry'] => ({
  type: 'Polygon',
  coordinates: [
    [
      [lng, lat],
      [lng + size, lat],
      [lng + size, lat + size],
      [lng, lat + size],
      [lng, lat],
    ],
  ],
});

const rep = (id: string, orgPath = 'emea.north', homeBase: PlanRep['homeBase'] = null): PlanRep => ({ id, orgPath, homeBase });
const customer = (id: string, lng: number, lat: number, ownerId: string | null = null, grade = 'C'): PlanCustomer => ({
  id,
  location: { lat, lng },
  grade,
  ownerId,
});

// A deterministic pseudo-random sequence, so a failing case can be reproduced.
function seededRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
}

describe(planAssignment.name, () => {
  it('territory: gives customers inside a rep territory to its rep, the smallest territory winning, and leaves the rest', () => {
    const territories: PlanTerritory[] = [
      { id: 't-big', ownerId: 'rep-a', orgPath: 'emea.north', geometry: square(0, 0, 10) },
      { id: 't-small', ownerId: 'rep-b', orgPath: 'emea.north', geometry: square(2, 2, 2) },
    ];
    const plan = planAssignment(
      'territory',
      [customer('c1', 1, 1, 'rep-c'), customer('c2', 3, 3, 'rep-c'), customer('c3', 20, 20, 'rep-c'), customer('c4', 5, 5, 'rep-a')],
      [rep('rep-a'), rep('rep-b'), rep('rep-c')],
      territories,
    );

    expect(plan.moves).toEqual([
      { customerId: 'c1', fromOwnerId: 'rep-c', toOwnerId: 'rep-a' },
      { customerId: 'c2', fromOwnerId: 'rep-c', toOwnerId: 'rep-b' },
    ]);
  });

  it('territory: ignores territories of reps that are not eligible', () => {
    const plan = planAssignment('territory', [customer('c1', 1, 1, 'rep-a')], [rep('rep-a')], [
      { id: 't', ownerId: 'rep-gone', orgPath: 'emea', geometry: square(0, 0, 2) },
    ]);
    expect(plan.moves).toEqual([]);
  });

  it('nearest: gives each located customer to the rep with the closest home base, ignoring reps without one', () => {
    const reps = [rep('rep-a', 'x', { lat: 52.5, lng: 13.3 }), rep('rep-b', 'x', { lat: 48.1, lng: 11.6 }), rep('rep-c')];
    const plan = planAssignment(
      'nearest',
      [customer('berlin', 13.4, 52.52, 'rep-b'), customer('munich', 11.58, 48.14, 'rep-b'), { id: 'nowhere', location: null, grade: 'A', ownerId: 'rep-c' }],
      reps,
      [],
    );
    expect(plan.moves).toEqual([{ customerId: 'berlin', fromOwnerId: 'rep-b', toOwnerId: 'rep-a' }]);
  });

  it('balanced: evens out the weighted workload to within the heaviest weight, keeping owners where it can', () => {
    const random = seededRandom(7);
    const grades = ['A', 'B', 'C', 'D'];
    const reps = ['r1', 'r2', 'r3', 'r4', 'r5'].map((id) => rep(id));
    // Everything starts with r1, plus some unowned customers.
    const customers = Array.from({ length: 400 }, (_, index) =>
      customer(`c${String(index).padStart(3, '0')}`, random(), random(), index % 7 === 0 ? null : 'r1', grades[Math.floor(random() * 4)]),
    );

    const plan = planAssignment('balanced', customers, reps, []);

    expect(plan.spread.after).toBeLessThanOrEqual(workloadWeight('A'));
    expect(plan.spread.after).toBeLessThan(plan.spread.before);
    const total = customers.reduce((sum, c) => sum + workloadWeight(c.grade), 0);
    expect(plan.workload.reduce((sum, entry) => sum + entry.after.weight, 0)).toBeCloseTo(total, 6);
    // Already balanced: nothing moves.
    const settled = customers.map((c) => ({ ...c, ownerId: plan.moves.find((move) => move.customerId === c.id)?.toOwnerId ?? c.ownerId }));
    expect(planAssignment('balanced', settled, reps, []).moves).toEqual([]);
  });

  it('balanced: keeps customers of a rep territory with that rep, and those of an org-unit territory with its reps', () => {
    const reps = [rep('north-1', 'emea.north'), rep('north-2', 'emea.north'), rep('south-1', 'emea.south'), rep('south-2', 'emea.south')];
    const territories: PlanTerritory[] = [
      { id: 'bound', ownerId: 'south-1', orgPath: 'emea.south', geometry: square(0, 0, 1) },
      { id: 'north-unit', ownerId: null, orgPath: 'emea.north', geometry: square(5, 5, 5) },
    ];
    const customers = [
      ...Array.from({ length: 30 }, (_, index) => customer(`bound-${index}`, 0.5, 0.5, 'north-1', 'A')),
      ...Array.from({ length: 40 }, (_, index) => customer(`unit-${index}`, 7, 7, 'south-2', 'B')),
      ...Array.from({ length: 40 }, (_, index) => customer(`free-${index}`, 20, 20, 'north-2', 'C')),
    ];

    const plan = planAssignment('balanced', customers, reps, territories);
    const ownerAfter = (id: string) => plan.moves.find((move) => move.customerId === id)?.toOwnerId ?? customers.find((c) => c.id === id)!.ownerId;

    for (let index = 0; index < 30; index += 1) expect(ownerAfter(`bound-${index}`)).toBe('south-1');
    for (let index = 0; index < 40; index += 1) expect(['north-1', 'north-2']).toContain(ownerAfter(`unit-${index}`));
  });

  it('is deterministic, whatever order the input comes in', () => {
    const reps = ['r1', 'r2', 'r3'].map((id) => rep(id));
    const customers = Array.from({ length: 60 }, (_, index) => customer(`c${index}`, index % 7, index % 5, 'r1', index % 2 ? 'A' : 'D'));
    const forward = planAssignment('balanced', customers, reps, []);
    const backward = planAssignment('balanced', [...customers].reverse(), [...reps].reverse(), []);
    expect(new Map(backward.moves.map((move) => [move.customerId, move.toOwnerId]))).toEqual(
      new Map(forward.moves.map((move) => [move.customerId, move.toOwnerId])),
    );
  });
});
