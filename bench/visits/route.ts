// The recommended-route planner on generated days of 50 stops with time windows: time to answer
// and tour length against nearest neighbour alone (the greedy construction without the search),
// both run on the same instances in this process. Pure computation, no database.
//
//   node -r @swc-node/register bench/visits/route.ts
//   BENCH_STOPS=50 BENCH_INSTANCES=20 (defaults)
//   Three kinds of day: "no windows" and "roomy" (short visits, wide windows: every stop fits and
//   the tours compare at equal stop counts) and "full" (half-hour visits, narrow windows, not all
//   fit: more stops placed is the first goal, so stops placed and metres per stop are compared).
import { performance } from 'node:perf_hooks';
import { nearestNeighbourRoute, naiveRoute, planRoute, type RouteProblem, type RouteStop } from '../../services/visits/src/modules/routes/route-planner';

const STOPS = Number(process.env['BENCH_STOPS'] ?? 50);
const INSTANCES = Number(process.env['BENCH_INSTANCES'] ?? 20);
const HOUR = 3600;

/** mulberry32: the same instances on every run. */
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

interface Day {
  dayHours: number;
  visitMinutes: [number, number];
  windowed: number;
  windowHours: [number, number];
}

/** Stops in a 30 km square around the start, roads 1.3 × the straight line at 30 km/h. */
function instance(seed: number, day: Day): RouteProblem {
  const random = seeded(seed);
  const points = [{ x: 15_000, y: 15_000 }, ...Array.from({ length: STOPS }, () => ({ x: random() * 30_000, y: random() * 30_000 }))];
  const distance = points.map((a) => points.map((b) => Math.hypot(a.x - b.x, a.y - b.y) * 1.3));
  const duration = distance.map((row) => row.map((metres) => metres / (30_000 / HOUR)));
  const end = day.dayHours * HOUR;
  const stops: RouteStop[] = points.slice(1).map((_, index) => {
    const serviceSeconds = Math.round(day.visitMinutes[0] + random() * (day.visitMinutes[1] - day.visitMinutes[0])) * 60;
    const windowed = random() < day.windowed;
    const length = (day.windowHours[0] + random() * (day.windowHours[1] - day.windowHours[0])) * HOUR;
    const opens = windowed ? Math.floor(random() * (end - length)) : 0;
    return { node: index + 1, serviceSeconds, earliest: opens, latest: windowed ? opens + length : end - serviceSeconds, urgent: random() < 0.1 };
  });
  return { stops, matrix: { distance, duration }, departAt: 0, endBy: end };
}

function timedMs<T>(work: () => T): { value: T; ms: number } {
  const start = performance.now();
  const value = work();
  return { value, ms: performance.now() - start };
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};
const percentile = (values: readonly number[], fraction: number): number => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(fraction * values.length))]!;

function run(label: string, day: Day, seedBase: number): void {
  const planMs: number[] = [];
  const greedyMs: number[] = [];
  const lengthRatio: number[] = [];
  const naiveRatio: number[] = [];
  const placedPlanned: number[] = [];
  const placedGreedy: number[] = [];
  const perStopRatio: number[] = [];
  // Warm-up, so the JIT has compiled the planner before anything is timed.
  planRoute(instance(seedBase - 1, day));
  for (let index = 0; index < INSTANCES; index += 1) {
    const problem = instance(seedBase + index, day);
    const greedy = timedMs(() => nearestNeighbourRoute(problem));
    const planned = timedMs(() => planRoute(problem));
    const naive = naiveRoute(problem);
    planMs.push(planned.ms);
    greedyMs.push(greedy.ms);
    placedPlanned.push(planned.value.score.scheduled);
    placedGreedy.push(greedy.value.score.scheduled);
    if (planned.value.score.scheduled === greedy.value.score.scheduled) lengthRatio.push(planned.value.score.distance / greedy.value.score.distance);
    if (planned.value.score.scheduled === naive.score.scheduled) naiveRatio.push(planned.value.score.distance / naive.score.distance);
    perStopRatio.push(planned.value.score.distance / planned.value.score.scheduled / (greedy.value.score.distance / Math.max(1, greedy.value.score.scheduled)));
  }
  const out = (line: string) => process.stdout.write(`${line}\n`);
  out(`\n${label}: ${INSTANCES} instances of ${STOPS} stops (${day.windowed * 100}% with ${day.windowHours[0]}–${day.windowHours[1]} h windows, ${day.visitMinutes[0]}–${day.visitMinutes[1]} min visits, ${day.dayHours} h day)`);
  out(`  time to answer: planner median ${median(planMs).toFixed(1)} ms, p95 ${percentile(planMs, 0.95).toFixed(1)} ms | nearest neighbour median ${median(greedyMs).toFixed(2)} ms`);
  out(`  stops placed: planner median ${median(placedPlanned)}, nearest neighbour median ${median(placedGreedy)} (ratio ${(median(placedPlanned) / median(placedGreedy)).toFixed(2)})`);
  if (lengthRatio.length > 0) {
    out(`  tour length planner / nearest neighbour at equal stops placed (${lengthRatio.length} instances): median ${median(lengthRatio).toFixed(3)}, worst ${Math.max(...lengthRatio).toFixed(3)}`);
  }
  if (naiveRatio.length > 0) out(`  tour length planner / due-date order at equal stops placed (${naiveRatio.length} instances): median ${median(naiveRatio).toFixed(3)}`);
  out(`  metres per placed stop, planner / nearest neighbour: median ${median(perStopRatio).toFixed(3)}`);
}

run('no windows', { dayHours: 24, visitMinutes: [3, 6], windowed: 0, windowHours: [0, 0] }, 100);
run('roomy day', { dayHours: 16, visitMinutes: [3, 6], windowed: 0.4, windowHours: [8, 12] }, 300);
run('full day', { dayHours: 9, visitMinutes: [15, 40], windowed: 0.4, windowHours: [1, 3] }, 500);
