// The day's route of one rep as a small vehicle-routing problem with time windows: an open path from
// the start point through as many visits as fit, in an order that keeps every visit inside its window
// and the day, and is as short as the heuristic finds. Pure: no I/O, no clock, numbers in, order out.

/** Travel between the problem's points, `[from][to]`: metres and seconds. Point 0 is the start. */
export interface TravelMatrix {
  distance: readonly (readonly number[])[];
  duration: readonly (readonly number[])[];
}

/** One visit to place on the route; times are seconds on any common clock (e.g. epoch seconds). */
export interface RouteStop {
  /** The stop's point in the travel matrix. */
  node: number;
  /** How long the visit takes on site. */
  serviceSeconds: number;
  /** The visit may not start earlier; a rep arriving before waits. */
  earliest: number;
  /** The visit must start by then. */
  latest: number;
  /** Urgent stops (overdue tasks) are placed before any other stop is, when not all fit. */
  urgent: boolean;
}

export interface RouteProblem {
  stops: readonly RouteStop[];
  matrix: TravelMatrix;
  departAt: number;
  /** Every visit must be over by then (the end of the working day). */
  endBy: number;
  /** Where the route ends after the last visit (e.g. home), counted in its length; unset: at the last visit. */
  endNode?: number;
}

/** How good a route is, compared in this order: urgent stops placed, stops placed (both more is better), then distance. */
export interface RouteScore {
  urgent: number;
  scheduled: number;
  distance: number;
}

/** One visit of a planned route: the stop (its index in the problem) and its times. */
export interface RouteVisit {
  stop: number;
  arrival: number;
  /** When the visit starts: the arrival, or the window's opening after a wait. */
  start: number;
  departure: number;
  /** The leg that led here, from the start point or the previous visit. */
  legDistance: number;
  legDuration: number;
}

export type UnscheduledReason = 'unreachable-in-window' | 'day-full';

export interface RoutePlan {
  /** Stop indices in visiting order. */
  order: number[];
  visits: RouteVisit[];
  /** Stops left out, with why: even alone it cannot be reached within its window and the day, or the day is full. */
  unscheduled: { stop: number; reason: UnscheduledReason }[];
  /** The leg from the last visit (or the start) to the end point, when the problem has one. */
  endLeg: { distance: number; duration: number; arrival: number } | null;
  score: RouteScore;
}

const EPSILON = 1e-9;

/** Negative when `a` is the better route, positive when `b` is, 0 when equal. */
export function compareScores(a: RouteScore, b: RouteScore): number {
  if (a.urgent !== b.urgent) return b.urgent - a.urgent;
  if (a.scheduled !== b.scheduled) return b.scheduled - a.scheduled;
  if (Math.abs(a.distance - b.distance) > 1e-6) return a.distance - b.distance;
  return 0;
}

/** The visits of `order` with their times, or undefined when a visit misses its window or the day. */
export function scheduleOf(problem: RouteProblem, order: readonly number[]): RouteVisit[] | undefined {
  const { matrix, stops } = problem;
  const visits: RouteVisit[] = [];
  let time = problem.departAt;
  let at = 0;
  for (const index of order) {
    const stop = stops[index]!;
    const legDuration = matrix.duration[at]![stop.node]!;
    const arrival = time + legDuration;
    const start = Math.max(arrival, stop.earliest);
    const departure = start + stop.serviceSeconds;
    if (start > stop.latest + EPSILON || departure > problem.endBy + EPSILON) return undefined;
    visits.push({ stop: index, arrival, start, departure, legDistance: matrix.distance[at]![stop.node]!, legDuration });
    time = departure;
    at = stop.node;
  }
  return visits;
}

/** Like `scheduleOf` without building the schedule: whether every visit of `order` keeps its window and the day. */
export function isFeasible(problem: RouteProblem, order: readonly number[]): boolean {
  const { stops } = problem;
  const duration = problem.matrix.duration;
  let time = problem.departAt;
  let at = 0;
  for (let position = 0; position < order.length; position += 1) {
    const stop = stops[order[position]!]!;
    const arrival = time + duration[at]![stop.node]!;
    const start = arrival > stop.earliest ? arrival : stop.earliest;
    if (start > stop.latest + EPSILON) return false;
    time = start + stop.serviceSeconds;
    if (time > problem.endBy + EPSILON) return false;
    at = stop.node;
  }
  return true;
}

/** The length of the path start → stops of `order` (→ end point). */
export function routeDistance(problem: RouteProblem, order: readonly number[]): number {
  const { distance } = problem.matrix;
  let total = 0;
  let at = 0;
  for (const index of order) {
    const node = problem.stops[index]!.node;
    total += distance[at]![node]!;
    at = node;
  }
  return problem.endNode === undefined ? total : total + distance[at]![problem.endNode]!;
}

function scoreOf(problem: RouteProblem, order: readonly number[]): RouteScore {
  let urgent = 0;
  for (const index of order) if (problem.stops[index]!.urgent) urgent += 1;
  return { urgent, scheduled: order.length, distance: routeDistance(problem, order) };
}

function planOf(problem: RouteProblem, order: number[]): RoutePlan {
  const visits = scheduleOf(problem, order);
  if (!visits) throw new Error('planOf called with an infeasible order');
  const placed = new Set(order);
  const unscheduled = problem.stops
    .map((_, stop) => stop)
    .filter((stop) => !placed.has(stop))
    .map((stop): RoutePlan['unscheduled'][number] => ({ stop, reason: scheduleOf(problem, [stop]) ? 'day-full' : 'unreachable-in-window' }));
  let endLeg: RoutePlan['endLeg'] = null;
  if (problem.endNode !== undefined) {
    const last = visits.at(-1);
    const from = last ? problem.stops[last.stop]!.node : 0;
    const duration = problem.matrix.duration[from]![problem.endNode]!;
    endLeg = { distance: problem.matrix.distance[from]![problem.endNode]!, duration, arrival: (last?.departure ?? problem.departAt) + duration };
  }
  return { order, visits, unscheduled, endLeg, score: scoreOf(problem, order) };
}

/**
 * The naive route: the stops in the order given (the caller gives them by due time), each one
 * skipped that would miss its window or the day. The baseline the planner never does worse than.
 */
export function naiveRoute(problem: RouteProblem): RoutePlan {
  const order: number[] = [];
  for (let stop = 0; stop < problem.stops.length; stop += 1) {
    order.push(stop);
    if (!isFeasible(problem, order)) order.pop();
  }
  return planOf(problem, order);
}

/** Nearest neighbour alone: from where the rep is, always the nearest stop still reachable in its window. */
export function nearestNeighbourRoute(problem: RouteProblem): RoutePlan {
  return planOf(problem, nearestNeighbourOrder(problem, problem.stops.map((_, stop) => stop)));
}

function nearestNeighbourOrder(problem: RouteProblem, candidates: readonly number[]): number[] {
  const { stops, matrix } = problem;
  const left = new Set(candidates);
  const order: number[] = [];
  let time = problem.departAt;
  let at = 0;
  for (;;) {
    let best = -1;
    let bestDistance = Infinity;
    for (const index of left) {
      const stop = stops[index]!;
      const start = Math.max(time + matrix.duration[at]![stop.node]!, stop.earliest);
      if (start > stop.latest + EPSILON || start + stop.serviceSeconds > problem.endBy + EPSILON) continue;
      const distance = matrix.distance[at]![stop.node]!;
      if (distance < bestDistance - EPSILON || (Math.abs(distance - bestDistance) <= EPSILON && stop.latest < stops[best]!.latest)) {
        best = index;
        bestDistance = distance;
      }
    }
    if (best < 0) return order;
    const stop = stops[best]!;
    time = Math.max(time + matrix.duration[at]![stop.node]!, stop.earliest) + stop.serviceSeconds;
    at = stop.node;
    order.push(best);
    left.delete(best);
  }
}

/** How hard `planRoute` searches: rounds of ruin and recreate after the constructions. */
export interface PlanOptions {
  /** Default `defaultIterations(stops)`; 0 keeps the constructions with their local search only. */
  iterations?: number;
  /** Seed of the search's random choices: the same problem and seed give the same route. */
  seed?: number;
}

/**
 * The recommended route: several constructions (the naive order, nearest neighbour, nearest
 * neighbour over the urgent stops first, cheapest insertion by deadline), each filled by cheapest
 * feasible insertion (urgent stops first, trading a placed non-urgent stop for an urgent one that
 * does not fit otherwise) and improved by 2-opt and or-opt moves that keep every window; then rounds
 * of ruin and recreate (take out a few related stops, insert them again, improve) on the best so far.
 * Since the naive order is one of the starts and only better routes replace the best, the result is
 * never worse than `naiveRoute`.
 */
export function planRoute(problem: RouteProblem, options: PlanOptions = {}): RoutePlan {
  const all = problem.stops.map((_, stop) => stop);
  const urgent = all.filter((stop) => problem.stops[stop]!.urgent);
  const byDeadline = [...all].sort((a, b) => problem.stops[a]!.latest - problem.stops[b]!.latest || a - b);
  const seeds: number[][] = [naiveRoute(problem).order, nearestNeighbourOrder(problem, all), nearestNeighbourOrder(problem, urgent), insertAll(problem, [], byDeadline)];
  let best: number[] = [];
  let bestScore = scoreOf(problem, best);
  for (const seed of seeds) {
    const order = improve(problem, seed);
    const score = scoreOf(problem, order);
    if (compareScores(score, bestScore) < 0) {
      best = order;
      bestScore = score;
    }
  }
  const random = mulberry32(options.seed ?? 0x5eed);
  const iterations = all.length < 2 ? 0 : (options.iterations ?? defaultIterations(all.length));
  for (let round = 0; round < iterations; round += 1) {
    let order = fill(problem, localSearch(problem, recreate(problem, ruin(problem, best, random), random)));
    if (order.length < all.length) order = fill(problem, localSearch(problem, tradeForUrgent(problem, order)));
    const score = scoreOf(problem, order);
    if (compareScores(score, bestScore) < 0) {
      best = order;
      bestScore = score;
    }
  }
  return planOf(problem, best);
}

/** Rounds of ruin and recreate: many for a usual day of a few visits, fewer as each round gets dearer. */
export function defaultIterations(stops: number): number {
  return Math.max(40, Math.min(300, Math.round(4_000 / Math.max(1, stops))));
}

/** A small deterministic random source (mulberry32). */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Takes out a few stops: every other round a random stop and its nearest ones on the route, else random ones. */
function ruin(problem: RouteProblem, order: readonly number[], random: () => number): number[] {
  if (order.length === 0) return [];
  const count = Math.min(order.length, 1 + Math.floor(random() * Math.min(10, Math.max(2, Math.ceil(order.length * 0.4)))));
  const removed = new Set<number>();
  if (random() < 0.5) {
    const seed = order[Math.floor(random() * order.length)]!;
    const from = problem.stops[seed]!.node;
    const near = [...order].sort((a, b) => problem.matrix.distance[from]![problem.stops[a]!.node]! - problem.matrix.distance[from]![problem.stops[b]!.node]!);
    for (const stop of near.slice(0, count)) removed.add(stop);
  } else {
    while (removed.size < count) removed.add(order[Math.floor(random() * order.length)]!);
  }
  return order.filter((stop) => !removed.has(stop));
}

/** Inserts every stop not on the route again: urgent ones first, the rest in random order. */
function recreate(problem: RouteProblem, order: number[], random: () => number): number[] {
  const placed = new Set(order);
  const missing = problem.stops.map((_, stop) => stop).filter((stop) => !placed.has(stop));
  const keys = new Map(missing.map((stop) => [stop, random()]));
  missing.sort((a, b) => Number(problem.stops[b]!.urgent) - Number(problem.stops[a]!.urgent) || keys.get(a)! - keys.get(b)!);
  return insertAll(problem, order, missing, () => 0.8 + 0.4 * random());
}

const cost = (problem: RouteProblem, from: number, to: number | undefined): number => (to === undefined ? 0 : problem.matrix.distance[from]![to]!);

function nodeAt(problem: RouteProblem, order: readonly number[], position: number): number | undefined {
  if (position < 0) return 0;
  if (position >= order.length) return problem.endNode;
  return problem.stops[order[position]!]!.node;
}

/** Inserts each of `stops` (in that order) where it lengthens the route least and every window holds. */
function insertAll(problem: RouteProblem, order: number[], stops: readonly number[], noise?: () => number): number[] {
  let current = order;
  for (const stop of stops) current = insertCheapest(problem, current, stop, noise) ?? current;
  return current;
}

// `noise` (a factor around 1) blurs the insertion costs, so ruin-and-recreate rounds explore other routes.
function insertCheapest(problem: RouteProblem, order: readonly number[], stop: number, noise?: () => number): number[] | undefined {
  const node = problem.stops[stop]!.node;
  const departures = departuresOf(problem, order);
  const positions: { position: number; delta: number }[] = [];
  for (let position = 0; position <= order.length; position += 1) {
    const before = nodeAt(problem, order, position - 1)!;
    const after = nodeAt(problem, order, position);
    const delta = cost(problem, before, node) + cost(problem, node, after) - cost(problem, before, after);
    positions.push({ position, delta: noise ? delta * noise() : delta });
  }
  positions.sort((a, b) => a.delta - b.delta);
  for (const { position } of positions) {
    if (fitsAt(problem, order, departures, position, stop)) return [...order.slice(0, position), stop, ...order.slice(position)];
  }
  return undefined;
}

/** When the rep leaves each visit of a feasible `order`. */
function departuresOf(problem: RouteProblem, order: readonly number[]): Float64Array {
  const departures = new Float64Array(order.length);
  let time = problem.departAt;
  let at = 0;
  for (let position = 0; position < order.length; position += 1) {
    const stop = problem.stops[order[position]!]!;
    time = Math.max(time + problem.matrix.duration[at]![stop.node]!, stop.earliest) + stop.serviceSeconds;
    departures[position] = time;
    at = stop.node;
  }
  return departures;
}

/**
 * Whether `stop` can go before `position` of the feasible `order` (whose departures are given):
 * simulates from there on, and stops as soon as a later visit is left no later than before, since
 * leaving a visit no later keeps the rest of a feasible route feasible.
 */
function fitsAt(problem: RouteProblem, order: readonly number[], departures: Float64Array, position: number, stop: number): boolean {
  const { stops } = problem;
  const duration = problem.matrix.duration;
  let time = position === 0 ? problem.departAt : departures[position - 1]!;
  let at = position === 0 ? 0 : stops[order[position - 1]!]!.node;
  for (let k = position - 1; k < order.length; k += 1) {
    const visit = stops[k === position - 1 ? stop : order[k]!]!;
    const start = Math.max(time + duration[at]![visit.node]!, visit.earliest);
    if (start > visit.latest + EPSILON) return false;
    time = start + visit.serviceSeconds;
    if (time > problem.endBy + EPSILON) return false;
    if (k >= position && time <= departures[k]! + EPSILON) return true;
    at = visit.node;
  }
  return true;
}

function improve(problem: RouteProblem, seed: number[]): number[] {
  let order = seed;
  for (let round = 0; round < 50; round += 1) {
    const before = scoreOf(problem, order);
    order = fill(problem, order);
    order = localSearch(problem, order);
    order = tradeForUrgent(problem, order);
    order = fill(problem, localSearch(problem, order));
    if (compareScores(scoreOf(problem, order), before) >= 0) break;
  }
  return order;
}

/** Inserts every stop not on the route that still fits, urgent ones first, earliest deadline first. */
function fill(problem: RouteProblem, order: number[]): number[] {
  const placed = new Set(order);
  const missing = problem.stops
    .map((_, stop) => stop)
    .filter((stop) => !placed.has(stop))
    .sort((a, b) => Number(problem.stops[b]!.urgent) - Number(problem.stops[a]!.urgent) || problem.stops[a]!.latest - problem.stops[b]!.latest || a - b);
  return insertAll(problem, order, missing);
}

/** Takes a non-urgent stop off the route when that lets an urgent stop that did not fit on it. */
function tradeForUrgent(problem: RouteProblem, order: number[]): number[] {
  const placed = new Set(order);
  const waiting = problem.stops.map((_, stop) => stop).filter((stop) => problem.stops[stop]!.urgent && !placed.has(stop));
  let current = order;
  for (const stop of waiting) {
    let traded: number[] | undefined;
    let tradedDistance = Infinity;
    for (let position = 0; position < current.length; position += 1) {
      if (problem.stops[current[position]!]!.urgent) continue;
      const without = [...current.slice(0, position), ...current.slice(position + 1)];
      const candidate = insertCheapest(problem, without, stop);
      if (!candidate) continue;
      const distance = routeDistance(problem, candidate);
      if (distance < tradedDistance) {
        traded = candidate;
        tradedDistance = distance;
      }
    }
    if (traded) current = traded;
  }
  return current;
}

/** 2-opt and or-opt moves, first improvement, until neither shortens the route without breaking a window. */
function localSearch(problem: RouteProblem, seed: number[]): number[] {
  let order = seed;
  for (;;) {
    const next = twoOpt(problem, order) ?? orOpt(problem, order);
    if (!next) return order;
    order = next;
  }
}

/** Reverses one stretch of the route when that shortens it and keeps every window (works for asymmetric travel too). */
function twoOpt(problem: RouteProblem, order: readonly number[]): number[] | undefined {
  const n = order.length;
  if (n < 2) return undefined;
  const { distance } = problem.matrix;
  const nodes = order.map((stop) => problem.stops[stop]!.node);
  // forward[k] / backward[k]: length of nodes[0..k] travelled forwards / backwards.
  const forward = new Float64Array(n);
  const backward = new Float64Array(n);
  for (let k = 1; k < n; k += 1) {
    forward[k] = forward[k - 1]! + distance[nodes[k - 1]!]![nodes[k]!]!;
    backward[k] = backward[k - 1]! + distance[nodes[k]!]![nodes[k - 1]!]!;
  }
  for (let i = 0; i < n - 1; i += 1) {
    const before = i === 0 ? 0 : nodes[i - 1]!;
    for (let j = i + 1; j < n; j += 1) {
      const after = j === n - 1 ? problem.endNode : nodes[j + 1]!;
      const old = distance[before]![nodes[i]!]! + forward[j]! - forward[i]! + cost(problem, nodes[j]!, after);
      const reversed = distance[before]![nodes[j]!]! + backward[j]! - backward[i]! + cost(problem, nodes[i]!, after);
      if (reversed < old - 1e-7) {
        const candidate = [...order.slice(0, i), ...order.slice(i, j + 1).reverse(), ...order.slice(j + 1)];
        if (isFeasible(problem, candidate)) return candidate;
      }
    }
  }
  return undefined;
}

/** Moves a stretch of one to three stops elsewhere (as it is or reversed) when that shortens the route and keeps every window. */
function orOpt(problem: RouteProblem, order: readonly number[]): number[] | undefined {
  const n = order.length;
  const { distance } = problem.matrix;
  const nodes = order.map((stop) => problem.stops[stop]!.node);
  const end = problem.endNode;
  for (let length = 1; length <= Math.min(3, n - 1); length += 1) {
    for (let i = 0; i + length <= n; i += 1) {
      const first = nodes[i]!;
      const last = nodes[i + length - 1]!;
      let inner = 0;
      let innerReversed = 0;
      for (let k = i + 1; k < i + length; k += 1) {
        inner += distance[nodes[k - 1]!]![nodes[k]!]!;
        innerReversed += distance[nodes[k]!]![nodes[k - 1]!]!;
      }
      const before = i === 0 ? 0 : nodes[i - 1]!;
      const after = i + length < n ? nodes[i + length] : end;
      const removed = cost(problem, before, first) + inner + cost(problem, last, after) - cost(problem, before, after);
      // Positions in the route without the stretch: the stretch goes between rest[position - 1] and rest[position].
      const restLength = n - length;
      const restNode = (k: number): number | undefined => (k < 0 ? 0 : k >= restLength ? end : nodes[k < i ? k : k + length]);
      for (let position = 0; position <= restLength; position += 1) {
        if (position === i) continue;
        const p = restNode(position - 1)!;
        const q = restNode(position);
        const gap = cost(problem, p, q);
        const forwardGain = distance[p]![first]! + inner + cost(problem, last, q) - gap - removed;
        const reversedGain = length > 1 ? distance[p]![last]! + innerReversed + cost(problem, first, q) - gap - removed : Infinity;
        if (forwardGain >= -1e-7 && reversedGain >= -1e-7) continue;
        const stretch = order.slice(i, i + length);
        const rest = [...order.slice(0, i), ...order.slice(i + length)];
        if (forwardGain < -1e-7) {
          const candidate = [...rest.slice(0, position), ...stretch, ...rest.slice(position)];
          if (isFeasible(problem, candidate)) return candidate;
        }
        if (reversedGain < -1e-7) {
          const candidate = [...rest.slice(0, position), ...stretch.reverse(), ...rest.slice(position)];
          if (isFeasible(problem, candidate)) return candidate;
        }
      }
    }
  }
  return undefined;
}
