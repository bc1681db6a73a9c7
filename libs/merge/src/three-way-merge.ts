import { deepEqual } from './deep-equal';

/** The pseudo-field that stamps a delete (and a restore) of a record. */
export const DELETED_FIELD = '$deleted';

/** The record version at which a field last changed and the role rank of the writer of that change. */
export interface FieldStamp {
  version: number;
  rank: number;
}

/** Per-field stamps of one record; a field without a stamp counts as `{ version: 0, rank: 0 }`. */
export type FieldStamps = Record<string, FieldStamp>;

export const MERGE_POLICIES = ['rank', 'server-wins', 'client-wins'] as const;
export type MergePolicy = (typeof MERGE_POLICIES)[number];
export const DEFAULT_MERGE_POLICY: MergePolicy = 'rank';

export type ConflictRule = 'rank' | 'arrival-order' | 'server-wins' | 'client-wins';

/** One field changed both on the device and on the server since the device's base, and how it was decided. */
export interface FieldConflict {
  field: string;
  base: unknown;
  server: unknown;
  client: unknown;
  winner: 'client' | 'server';
  rule: ConflictRule;
  serverRank: number;
  clientRank: number;
}

export interface MergeInput {
  /** The record version the device's change was made on. */
  baseVersion: number;
  /** The device's copy of the record at `baseVersion`; only recorded in conflicts, never decides anything. */
  base: Readonly<Record<string, unknown>>;
  /** The fields the device changed, with their new values; `$deleted: true` is a delete. */
  changes: Readonly<Record<string, unknown>>;
  /** The record as the server holds it now, with `$deleted` telling whether it is deleted. */
  server: Readonly<Record<string, unknown>>;
  stamps: Readonly<FieldStamps>;
  clientRank: number;
  policy?: MergePolicy;
}

export interface MergeResult {
  /** The client values to write; empty when the server keeps everything. */
  apply: Record<string, unknown>;
  conflicts: FieldConflict[];
  /**
   * False when the client's change to the record's existence lost (an edit of a record deleted
   * since the base, or a delete of a record edited since the base): nothing of the mutation applies.
   */
  accepted: boolean;
}

const UNSTAMPED: FieldStamp = { version: 0, rank: 0 };

/**
 * Three-way, field-by-field merge of a device's change into the server's record. Decides only by
 * stamp versions, role ranks and the policy (arrival order for ties): never by any clock.
 */
export function threeWayMerge(input: MergeInput): MergeResult {
  const policy = input.policy ?? DEFAULT_MERGE_POLICY;
  const apply: Record<string, unknown> = {};
  const conflicts: FieldConflict[] = [];
  // Existence first (when the client loses it, none of its field changes apply), then by name so
  // the result never depends on the key order of the request.
  const fields = Object.keys(input.changes).sort(byExistenceThenName);
  for (const field of fields) {
    const client = input.changes[field];
    const server = field === DELETED_FIELD ? input.server[field] === true : input.server[field];
    if (deepEqual(client, server)) continue;
    const serverStamp = competingStamp(input, field, client);
    if (serverStamp.version <= input.baseVersion) {
      apply[field] = client;
      continue;
    }
    const decision = decide(policy, input.clientRank, serverStamp.rank);
    conflicts.push({
      field,
      base: baseValue(input.base, field),
      server: server ?? null,
      client: client ?? null,
      winner: decision.winner,
      rule: decision.rule,
      serverRank: serverStamp.rank,
      clientRank: input.clientRank,
    });
    if (decision.winner === 'client') {
      apply[field] = client;
    } else if (field === DELETED_FIELD) {
      return { apply: {}, conflicts, accepted: false };
    }
  }
  return { apply, conflicts, accepted: true };
}

function byExistenceThenName(a: string, b: string): number {
  if (a === DELETED_FIELD || b === DELETED_FIELD) return Number(b === DELETED_FIELD) - Number(a === DELETED_FIELD);
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The server change a client value competes with. A client delete competes with every server
 * change since its base, so with the highest-ranked of them (the latest among equal ranks).
 */
function competingStamp(input: MergeInput, field: string, client: unknown): FieldStamp {
  if (field !== DELETED_FIELD || client !== true) return input.stamps[field] ?? UNSTAMPED;
  let strongest = UNSTAMPED;
  for (const key of Object.keys(input.stamps).sort()) {
    const candidate = input.stamps[key]!;
    if (candidate.version <= input.baseVersion) continue;
    if (
      strongest.version <= input.baseVersion ||
      candidate.rank > strongest.rank ||
      (candidate.rank === strongest.rank && candidate.version > strongest.version)
    ) {
      strongest = candidate;
    }
  }
  return strongest;
}

function decide(
  policy: MergePolicy,
  clientRank: number,
  serverRank: number,
): { winner: FieldConflict['winner']; rule: ConflictRule } {
  switch (policy) {
    case 'server-wins':
      return { winner: 'server', rule: 'server-wins' };
    case 'client-wins':
      return { winner: 'client', rule: 'client-wins' };
    case 'rank':
      if (clientRank === serverRank) return { winner: 'client', rule: 'arrival-order' };
      return { winner: clientRank > serverRank ? 'client' : 'server', rule: 'rank' };
  }
}

function baseValue(base: Readonly<Record<string, unknown>>, field: string): unknown {
  if (field === DELETED_FIELD) return base[field] === true;
  return base[field] ?? null;
}

/** The stamps after a write of `fields` at record `version` by a writer of role `rank`. */
export function stamp(stamps: Readonly<FieldStamps>, fields: Iterable<string>, version: number, rank: number): FieldStamps {
  const next: FieldStamps = { ...stamps };
  for (const field of fields) next[field] = { version, rank };
  return next;
}

/** The fields among `fields` whose value differs between two states of a record. */
export function changedFields(
  before: Readonly<Record<string, unknown>>,
  after: Readonly<Record<string, unknown>>,
  fields: Iterable<string>,
): string[] {
  return [...fields].filter((field) => !deepEqual(before[field], after[field]));
}

export function isMergePolicy(value: unknown): value is MergePolicy {
  return typeof value === 'string' && (MERGE_POLICIES as readonly string[]).includes(value);
}
