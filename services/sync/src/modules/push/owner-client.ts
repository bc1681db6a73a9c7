import { Injectable, Logger } from '@nestjs/common';
import { type FieldConflict } from '@fieldforce/merge';
import { InjectConfig, type ProblemDetails, REQUEST_ID_HEADER } from '@fieldforce/platform';
import { type SyncConfig } from '../../config/sync.config';
import { type MutationOwner } from './mutation-owners';
import { PushException, mutationProblem } from './push.exception';

export const MUTATION_OPS = ['create', 'update', 'delete'] as const;
export type MutationOp = (typeof MUTATION_OPS)[number];

/** What the owner is asked to apply: a device's mutation without its sync bookkeeping. */
export interface OwnerMutation {
  entity: string;
  entityId: string;
  op: MutationOp;
  baseVersion: number;
  base: Record<string, unknown>;
  changes: Record<string, unknown>;
}

/** Whose request it is: the push's own credentials go to the owner, which enforces scope and field rules. */
export interface OwnerCall {
  authorization: string;
  idempotencyKey: string;
  requestId?: string;
}

export const DECIDED_STATUSES = ['applied', 'merged', 'rejected'] as const;
export type DecidedStatus = (typeof DECIDED_STATUSES)[number];

/** The owner's final word on a mutation: what push records and answers. */
export interface OwnerDecision {
  status: DecidedStatus;
  version?: number;
  conflicts?: FieldConflict[];
  /** The record after the mutation, as the owner shows it to the user (masked by its field rules). */
  data?: Record<string, unknown> | null;
  problem?: ProblemDetails;
}

export type OwnerOutcome = { kind: 'decided'; decision: OwnerDecision } | { kind: 'unavailable'; problem: ProblemDetails };

// 4xx answers that say nothing about the mutation itself: an expired token, a request timeout or
// a rate limit is retried, never recorded as the mutation's rejection.
const RETRYABLE_CLIENT_STATUSES = new Set([401, 408, 425, 429]);

const PROBLEM_MEMBERS = ['type', 'title', 'status', 'detail', 'code', 'errors', 'details'] as const;

/** Calls the owning services' internal mutation endpoints and classifies their answers. */
@Injectable()
export class OwnerClient {
  private readonly logger = new Logger(OwnerClient.name);

  constructor(@InjectConfig() private readonly config: SyncConfig) {}

  /** Sends one mutation to its owner: `decided` when it applied, merged or rejected it; `unavailable` when it must be retried. */
  async apply(owner: MutationOwner, mutation: OwnerMutation, call: OwnerCall): Promise<OwnerOutcome> {
    const url = this.config.push.owners[owner.service] + owner.path;
    const timeoutMs = this.config.push.ownerTimeoutMs;
    let response: Response;
    let body: string;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: call.authorization,
          'idempotency-key': call.idempotencyKey,
          ...(call.requestId === undefined ? {} : { [REQUEST_ID_HEADER]: call.requestId }),
        },
        body: JSON.stringify(mutation),
        signal: AbortSignal.timeout(timeoutMs),
      });
      body = await response.text();
    } catch (error) {
      return unavailable(owner, failureReason(error, timeoutMs));
    }
    if (response.status === 200) {
      const decision = parseDecision(body);
      if (decision) return { kind: 'decided', decision };
      this.logger.error({ service: owner.service, url }, 'owner answered 200 with a body that is not a mutation result');
      return unavailable(owner, 'it answered a malformed result');
    }
    if (response.status >= 400 && response.status < 500 && !RETRYABLE_CLIENT_STATUSES.has(response.status)) {
      const problem = parseProblem(body, response.status);
      // No route (an owner not yet deployed with the endpoint) says nothing about the mutation.
      if (isMissingRoute(response.status, problem)) return unavailable(owner, `it does not serve ${owner.path}`);
      return { kind: 'decided', decision: { status: 'rejected', problem: problem ?? mutationProblem(PushException.ownerRejected(owner.service, response.status)) } };
    }
    return unavailable(owner, `it answered ${response.status}`);
  }
}

/** A 404/405 without a domain problem: the router refused the path, no rule refused the mutation. */
export function isMissingRoute(status: number, problem: ProblemDetails | undefined): boolean {
  return (status === 404 || status === 405) && (problem === undefined || problem.type === 'about:blank');
}

function unavailable(owner: MutationOwner, reason: string): OwnerOutcome {
  return { kind: 'unavailable', problem: mutationProblem(PushException.ownerUnavailable(owner.service, reason)) };
}

function failureReason(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return `no answer within ${timeoutMs} ms`;
  const code = error instanceof Error ? (error.cause as { code?: unknown } | undefined)?.code : undefined;
  if (code === 'ECONNREFUSED') return 'connection refused';
  return typeof code === 'string' ? `connection failed: ${code}` : 'connection failed';
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The owner's 200 answer, or undefined when it is not one (then the mutation is retried, never guessed). */
export function parseDecision(body: string): OwnerDecision | undefined {
  const value = parseJson(body);
  if (!isRecord(value)) return undefined;
  const { status, version, conflicts, data, problem } = value;
  if (typeof status !== 'string' || !(DECIDED_STATUSES as readonly string[]).includes(status)) return undefined;
  if (version !== undefined && version !== null && !Number.isInteger(version)) return undefined;
  if (conflicts !== undefined && !Array.isArray(conflicts)) return undefined;
  if (data !== undefined && data !== null && !isRecord(data)) return undefined;
  const decision: OwnerDecision = { status: status as DecidedStatus };
  if (typeof version === 'number') decision.version = version;
  if (Array.isArray(conflicts) && conflicts.length > 0) decision.conflicts = conflicts as FieldConflict[];
  if (data !== undefined) decision.data = data;
  if (isRecord(problem)) decision.problem = pickProblem(problem, 409);
  return decision;
}

/** The owner's problem document (its known members only), or undefined without one. */
export function parseProblem(body: string, status: number): ProblemDetails | undefined {
  const value = parseJson(body);
  return isRecord(value) && typeof value.title === 'string' ? pickProblem(value, status) : undefined;
}

function pickProblem(value: Record<string, unknown>, status: number): ProblemDetails {
  const picked: Record<string, unknown> = {};
  for (const member of PROBLEM_MEMBERS) if (value[member] !== undefined) picked[member] = value[member];
  return {
    type: 'about:blank',
    title: 'Rejected',
    detail: '',
    code: 'REJECTED',
    ...picked,
    status: typeof picked.status === 'number' ? picked.status : status,
  };
}
