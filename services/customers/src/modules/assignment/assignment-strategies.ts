import { distanceMeters, type LatLng } from '../geo/geo';
import { type AreaGeometry, type Box, boxContains, boxOf, containsPoint, planarArea } from '../geo/geometry';
import { isUnderOrgPath } from '@fieldforce/contracts';

export const STRATEGIES = ['territory', 'nearest', 'balanced'] as const;
/** How auto-assignment picks owners (see `planAssignment`). */
export type Strategy = (typeof STRATEGIES)[number];

/** Visits per month a grade implies: the weight of a customer in a rep's workload. */
export const VISITS_PER_MONTH: Readonly<Record<string, number>> = { A: 4, B: 2, C: 1, D: 0.5 };
const DEFAULT_VISITS_PER_MONTH = 1;

/** The workload weight of a customer of `grade` (tenant-defined grades count as one visit a month). */
export function workloadWeight(grade: string): number {
  return VISITS_PER_MONTH[grade] ?? DEFAULT_VISITS_PER_MONTH;
}

export interface PlanCustomer {
  id: string;
  location: LatLng | null;
  grade: string;
  ownerId: string | null;
}

export interface PlanRep {
  id: string;
  orgPath: string;
  homeBase: LatLng | null;
}

export interface PlanTerritory {
  id: string;
  /** A rep's territory: its customers go to this rep. */
  ownerId: string | null;
  /** An org unit's territory (ownerId null): its customers go to reps under this path. */
  orgPath: string;
  geometry: AreaGeometry;
}

export interface Move {
  customerId: string;
  fromOwnerId: string | null;
  toOwnerId: string;
}

export interface Workload {
  customers: number;
  /** Visits per month. */
  weight: number;
}

export interface RepWorkload {
  repId: string;
  before: Workload;
  after: Workload;
}

export interface AssignmentPlan {
  moves: Move[];
  /** Every eligible rep, before and after the moves. */
  workload: RepWorkload[];
  /** Largest minus smallest weighted workload among the reps. */
  spread: { before: number; after: number };
}

interface IndexedTerritory extends PlanTerritory {
  box: Box;
  area: number;
}

const byId = (a: { id: string }, b: { id: string }): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** The territories holding the point, most specific (smallest) first, then by id. */
function territoriesAt(point: LatLng, territories: readonly IndexedTerritory[]): IndexedTerritory[] {
  return territories
    .filter((territory) => boxContains(territory.box, point) && containsPoint(territory.geometry, point))
    .sort((a, b) => a.area - b.area || byId(a, b));
}

/**
 * Which reps may own a customer: the owner of the most specific rep territory holding it; else
 * the reps under the most specific org-unit territory holding it (if that unit has reps); else any.
 */
function allowedReps(customer: PlanCustomer, territories: readonly IndexedTerritory[], reps: readonly PlanRep[]): readonly PlanRep[] {
  if (!customer.location) return reps;
  const holding = territoriesAt(customer.location, territories);
  const ownerTerritory = holding.find((territory) => territory.ownerId !== null && reps.some((rep) => rep.id === territory.ownerId));
  if (ownerTerritory) return reps.filter((rep) => rep.id === ownerTerritory.ownerId);
  for (const territory of holding.filter((candidate) => candidate.ownerId === null)) {
    const unitReps = reps.filter((rep) => isUnderOrgPath(rep.orgPath, territory.orgPath));
    if (unitReps.length > 0) return unitReps;
  }
  return reps;
}

function territoryTargets(customers: readonly PlanCustomer[], reps: readonly PlanRep[], territories: readonly IndexedTerritory[]): Map<string, string> {
  const eligible = new Set(reps.map((rep) => rep.id));
  const targets = new Map<string, string>();
  for (const customer of customers) {
    if (!customer.location) continue;
    const territory = territoriesAt(customer.location, territories).find((candidate) => candidate.ownerId !== null && eligible.has(candidate.ownerId));
    if (territory?.ownerId) targets.set(customer.id, territory.ownerId);
  }
  return targets;
}

function nearestTargets(customers: readonly PlanCustomer[], reps: readonly PlanRep[]): Map<string, string> {
  const based = reps.filter((rep): rep is PlanRep & { homeBase: LatLng } => rep.homeBase !== null);
  const targets = new Map<string, string>();
  for (const customer of customers) {
    const location = customer.location;
    if (!location || based.length === 0) continue;
    let best = based[0]!;
    let bestDistance = distanceMeters(location, best.homeBase);
    for (const rep of based.slice(1)) {
      const distance = distanceMeters(location, rep.homeBase);
      if (distance < bestDistance || (distance === bestDistance && rep.id < best.id)) [best, bestDistance] = [rep, distance];
    }
    targets.set(customer.id, best.id);
  }
  return targets;
}

/**
 * Spreads the weighted workload: keeps each customer with its owner where allowed, places the
 * others heaviest first on the least loaded allowed rep, then moves single customers from a more
 * to a less loaded rep while that lowers the sum of squared loads. Where every customer may go to
 * every rep, the result's spread is at most the heaviest customer's weight: at the end, moving
 * any customer off the most loaded rep to the least loaded one would not lower the spread.
 */
function balancedTargets(customers: readonly PlanCustomer[], reps: readonly PlanRep[], territories: readonly IndexedTerritory[]): Map<string, string> {
  const targets = new Map<string, string>();
  if (reps.length === 0) return targets;
  const load = new Map(reps.map((rep) => [rep.id, 0]));
  const owned = new Map<string, PlanCustomer[]>(reps.map((rep) => [rep.id, []]));
  const allowed = new Map(customers.map((customer) => [customer.id, allowedReps(customer, territories, reps)]));
  const weight = (customer: PlanCustomer) => workloadWeight(customer.grade);
  const place = (customer: PlanCustomer, repId: string) => {
    targets.set(customer.id, repId);
    load.set(repId, load.get(repId)! + weight(customer));
    owned.get(repId)!.push(customer);
  };
  const leastLoaded = (candidates: readonly PlanRep[], except?: string): string | undefined => {
    let best: string | undefined;
    for (const rep of candidates) {
      if (rep.id === except) continue;
      if (best === undefined || load.get(rep.id)! < load.get(best)! || (load.get(rep.id) === load.get(best) && rep.id < best)) best = rep.id;
    }
    return best;
  };

  const unplaced: PlanCustomer[] = [];
  for (const customer of customers) {
    const keep = customer.ownerId !== null && allowed.get(customer.id)!.some((rep) => rep.id === customer.ownerId);
    if (keep) place(customer, customer.ownerId!);
    else unplaced.push(customer);
  }
  unplaced.sort((a, b) => weight(b) - weight(a) || byId(a, b));
  for (const customer of unplaced) place(customer, leastLoaded(allowed.get(customer.id)!)!);

  for (;;) {
    const move = bestMove();
    if (!move) break;
    const { customer, from, to } = move;
    owned.set(from, owned.get(from)!.filter((candidate) => candidate !== customer));
    load.set(from, load.get(from)! - weight(customer));
    place(customer, to);
  }
  return targets;

  // The move off the most loaded rep that has one, lowering the sum of squared loads the most.
  function bestMove(): { customer: PlanCustomer; from: string; to: string } | undefined {
    const order = [...reps].sort((a, b) => load.get(b.id)! - load.get(a.id)! || byId(a, b));
    for (const rep of order) {
      let best: { customer: PlanCustomer; from: string; to: string; gain: number } | undefined;
      for (const customer of owned.get(rep.id)!) {
        const to = leastLoaded(allowed.get(customer.id)!, rep.id);
        if (to === undefined) continue;
        const w = weight(customer);
        const gain = w * (load.get(rep.id)! - load.get(to)! - w);
        if (gain > 0 && (!best || gain > best.gain || (gain === best.gain && customer.id < best.customer.id))) {
          best = { customer, from: rep.id, to, gain };
        }
      }
      if (best) return best;
    }
    return undefined;
  }
}

function workloads(customers: readonly PlanCustomer[], reps: readonly PlanRep[], ownerOf: (customer: PlanCustomer) => string | null): Map<string, Workload> {
  const result = new Map(reps.map((rep) => [rep.id, { customers: 0, weight: 0 }]));
  for (const customer of customers) {
    const workload = result.get(ownerOf(customer) ?? '');
    if (!workload) continue;
    workload.customers += 1;
    workload.weight += workloadWeight(customer.grade);
  }
  return result;
}

function spreadOf(workload: Iterable<Workload>): number {
  const weights = [...workload].map((entry) => entry.weight);
  return weights.length === 0 ? 0 : Math.max(...weights) - Math.min(...weights);
}

/**
 * Proposes owners for `customers` among `reps` (the eligible reps) by `strategy`:
 * - `territory`: a customer inside a rep's territory goes to that rep (the smallest territory
 *   wins where they overlap); others keep their owner;
 * - `nearest`: a customer with a location goes to the rep whose home base is closest;
 * - `balanced`: workloads (visits per month by grade) as even as single moves make them,
 *   respecting territories: rep territories bind their customers, org-unit territories keep
 *   theirs with the unit's reps.
 * Pure and deterministic: the same input gives the same plan, with or without PostGIS.
 */
export function planAssignment(
  strategy: Strategy,
  customers: readonly PlanCustomer[],
  reps: readonly PlanRep[],
  territories: readonly PlanTerritory[],
): AssignmentPlan {
  const sortedReps = [...reps].sort(byId);
  const indexed = territories.map((territory) => ({ ...territory, box: boxOf(territory.geometry), area: planarArea(territory.geometry) }));
  const targets =
    strategy === 'territory'
      ? territoryTargets(customers, sortedReps, indexed)
      : strategy === 'nearest'
        ? nearestTargets(customers, sortedReps)
        : balancedTargets([...customers].sort(byId), sortedReps, indexed);
  const moves: Move[] = [];
  for (const customer of customers) {
    const target = targets.get(customer.id);
    if (target !== undefined && target !== customer.ownerId) moves.push({ customerId: customer.id, fromOwnerId: customer.ownerId, toOwnerId: target });
  }
  const before = workloads(customers, sortedReps, (customer) => customer.ownerId);
  const after = workloads(customers, sortedReps, (customer) => targets.get(customer.id) ?? customer.ownerId);
  return {
    moves,
    workload: sortedReps.map((rep) => ({ repId: rep.id, before: before.get(rep.id)!, after: after.get(rep.id)! })),
    spread: { before: spreadOf(before.values()), after: spreadOf(after.values()) },
  };
}
