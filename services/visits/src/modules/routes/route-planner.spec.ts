import {
  compareScores,
  naiveRoute,
  nearestNeighbourRoute,
  planRoute,
  type RouteProblem,
  type RouteScore,
  type RouteStop,
  routeDistance,
  scheduleOf,
} from './route-planner';

/** A small deterministic generator (mulberry32), so every run checks the same instances. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const HOUR = 3600;

interface InstanceOptions {
  stops: number;
  /** Share of stops with a window narrower than the day. */
  windowed: number;
  urgent: number;
  dayHours: number;
  endAtHome?: boolean;
  asymmetric?: boolean;
}

/** Points in a 30 km square around the start, 30 km/h, visits of 10–40 minutes, some with 1–3 h windows. */
function instance(seed: number, options: InstanceOptions): RouteProblem {
  const random = seeded(seed);
  const points = [{ x: 15_000, y: 15_000 }, ...Array.from({ length: options.stops }, () => ({ x: random() * 30_000, y: random() * 30_000 }))];
  const distance = points.map((a) =>
    points.map((b) => {
      const straight = Math.hypot(a.x - b.x, a.y - b.y) * 1.3;
      return options.asymmetric && a.x < b.x ? straight * 1.15 : straight;
    }),
  );
  const duration = distance.map((row) => row.map((metres) => metres / (30_000 / HOUR)));
  const dayEnd = options.dayHours * HOUR;
  const stops: RouteStop[] = points.slice(1).map((_, index) => {
    const serviceSeconds = Math.round(10 + random() * 30) * 60;
    const windowed = random() < options.windowed;
    const opens = windowed ? Math.floor(random() * (dayEnd - 3 * HOUR)) : 0;
    const latest = windowed ? opens + HOUR + random() * 2 * HOUR : dayEnd - serviceSeconds;
    return { node: index + 1, serviceSeconds, earliest: opens, latest, urgent: random() < options.urgent };
  });
  return { stops, matrix: { distance, duration }, departAt: 0, endBy: dayEnd, endNode: options.endAtHome ? 0 : undefined };
}

/** The optimum by exhaustive search over every sequence of every subset, pruned where a window is already missed. */
function bruteForce(problem: RouteProblem): RouteScore {
  let best: RouteScore = { urgent: 0, scheduled: 0, distance: problem.endNode === undefined ? 0 : routeDistance(problem, []) };
  const order: number[] = [];
  const used = new Array<boolean>(problem.stops.length).fill(false);
  const visit = (): void => {
    const score: RouteScore = {
      urgent: order.filter((stop) => problem.stops[stop]!.urgent).length,
      scheduled: order.length,
      distance: routeDistance(problem, order),
    };
    if (compareScores(score, best) < 0) best = score;
    for (let stop = 0; stop < problem.stops.length; stop += 1) {
      if (used[stop]) continue;
      order.push(stop);
      if (scheduleOf(problem, order)) {
        used[stop] = true;
        visit();
        used[stop] = false;
      }
      order.pop();
    }
  };
  visit();
  return best;
}

const SMALL_GAP = 0.05;

describe(planRoute.name, () => {
  it('is never worse than the naive due-time order, on 40 generated instances of 5 to 60 stops', () => {
    let strictlyBetter = 0;
    for (let seed = 1; seed <= 40; seed += 1) {
      const problem = instance(seed, { stops: 5 + ((seed * 7) % 56), windowed: (seed % 4) / 4, urgent: 0.3, dayHours: 6 + (seed % 5), endAtHome: seed % 3 === 0, asymmetric: seed % 7 === 0 });
      const planned = planRoute(problem);
      const naive = naiveRoute(problem);

      expect(compareScores(planned.score, naive.score)).toBeLessThanOrEqual(0);
      if (compareScores(planned.score, naive.score) < 0) strictlyBetter += 1;
    }
    // The due-time order ignores geography: the planner should beat it almost always, not merely tie.
    expect(strictlyBetter).toBeGreaterThan(36);
  });

  it(`places as many (urgent) stops as the optimum and comes within ${SMALL_GAP * 100}% of its length on instances of up to 8 stops`, () => {
    const gaps: number[] = [];
    for (let seed = 1; seed <= 120; seed += 1) {
      const problem = instance(1_000 + seed, { stops: 3 + (seed % 6), windowed: (seed % 3) / 2, urgent: 0.4, dayHours: 2 + (seed % 4), endAtHome: seed % 2 === 0, asymmetric: seed % 5 === 0 });
      const optimum = bruteForce(problem);
      const planned = planRoute(problem);

      expect([planned.score.urgent, planned.score.scheduled]).toEqual([optimum.urgent, optimum.scheduled]);
      const gap = optimum.distance === 0 ? 0 : planned.score.distance / optimum.distance - 1;
      expect(gap).toBeLessThanOrEqual(SMALL_GAP);
      gaps.push(gap);
    }
    const exact = gaps.filter((gap) => gap < 1e-9).length;
    expect(exact / gaps.length).toBeGreaterThan(0.9);
  });

  it('keeps every visit inside its window and the day, and leaves what cannot fit unscheduled with a reason', () => {
    for (let seed = 1; seed <= 20; seed += 1) {
      const problem = instance(2_000 + seed, { stops: 30, windowed: 0.5, urgent: 0.3, dayHours: 5 });
      const plan = planRoute(problem);

      expect(scheduleOf(problem, plan.order)).toEqual(plan.visits);
      for (const visit of plan.visits) {
        const stop = problem.stops[visit.stop]!;
        expect(visit.start).toBeGreaterThanOrEqual(stop.earliest);
        expect(visit.start).toBeLessThanOrEqual(stop.latest + 1e-6);
        expect(visit.departure).toBeLessThanOrEqual(problem.endBy + 1e-6);
        expect(visit.start).toBeGreaterThanOrEqual(visit.arrival);
      }
      expect(new Set([...plan.order, ...plan.unscheduled.map((item) => item.stop)]).size).toBe(30);
      expect(plan.order.length + plan.unscheduled.length).toBe(30);
    }
  });

  it('places overdue stops first when not all fit, even when others are nearer', () => {
    // One urgent stop far away, five near ones; the day holds the far one or the near ones, not both.
    const points = [0, 1_000, 1_100, 1_200, 1_300, 1_400, 40_000];
    const distance = points.map((a) => points.map((b) => Math.abs(a - b)));
    const duration = distance.map((row) => row.map((metres) => metres / 10));
    const stops: RouteStop[] = points.slice(1).map((_, index) => ({ node: index + 1, serviceSeconds: 1_800, earliest: 0, latest: 10 * HOUR, urgent: index === 5 }));
    const problem: RouteProblem = { stops, matrix: { distance, duration }, departAt: 0, endBy: 3 * HOUR };

    const plan = planRoute(problem);

    expect(plan.order).toContain(5);
    expect(nearestNeighbourRoute(problem).order).not.toContain(5);
    expect(plan.unscheduled.every((item) => item.reason === 'day-full')).toBe(true);
  });

  it('waits for a window to open and says which stops no order could reach in time', () => {
    const distance = [
      [0, 1_000, 50_000],
      [1_000, 0, 50_000],
      [50_000, 50_000, 0],
    ];
    const duration = distance.map((row) => row.map((metres) => metres / 10));
    const problem: RouteProblem = {
      stops: [
        { node: 1, serviceSeconds: 600, earliest: HOUR, latest: 2 * HOUR, urgent: false },
        { node: 2, serviceSeconds: 600, earliest: 0, latest: HOUR, urgent: true },
      ],
      matrix: { distance, duration },
      departAt: 0,
      endBy: 8 * HOUR,
    };

    const plan = planRoute(problem);

    expect(plan.visits).toEqual([{ stop: 0, arrival: 100, start: HOUR, departure: HOUR + 600, legDistance: 1_000, legDuration: 100 }]);
    expect(plan.unscheduled).toEqual([{ stop: 1, reason: 'unreachable-in-window' }]);
  });

  it('answers an empty route for no stops, and counts the way home when there is an end point', () => {
    const matrix = { distance: [[0, 500], [500, 0]], duration: [[0, 60], [60, 0]] };

    expect(planRoute({ stops: [], matrix, departAt: 0, endBy: HOUR })).toMatchObject({ order: [], visits: [], unscheduled: [], endLeg: null });
    const home = planRoute({ stops: [{ node: 1, serviceSeconds: 60, earliest: 0, latest: HOUR, urgent: false }], matrix, departAt: 0, endBy: HOUR, endNode: 0 });
    expect(home.score.distance).toBe(1_000);
    expect(home.endLeg).toEqual({ distance: 500, duration: 60, arrival: 180 });
  });
});
