import { randomBytes, randomUUID } from 'node:crypto';
import { sleep } from './platform';
import { type FieldRep, type FieldTenant, type Location } from './tenant';

export const REQUEST_KINDS = ['check-in', 'track-batch', 'sync-push'] as const;
export type RequestKind = (typeof REQUEST_KINDS)[number];

/** Counts of one kind of request. An operation is one write a device wants done; it takes one or more requests (retries with the same ids). */
export interface KindCounts {
  operations: number;
  /** HTTP requests sent, retries included. */
  requests: number;
  /** Operations answered with a 2xx (for a push: every mutation with a final result). */
  acknowledged: number;
  /** Requests without a 2xx answer (5xx, 401, 408, 429, refused, reset, timed out), or a push answered with a mutation to retry; the operation was retried. */
  failedRequests: number;
  /** Operations still unacknowledged when the load ended (allowed; they may or may not have been applied). */
  abandoned: number;
  /** Operations answered with a 4xx that is not about availability: a valid write refused (must be none). */
  rejected: number;
}

export interface AckedCheckIn {
  id: string;
  userId: string;
  customerId: string;
  taskId: string | null;
  version: number;
}

export interface AckedTrackBatch {
  userId: string;
  deviceId: string;
  /** The point keys as checkins stores them (`seq:<n>`). */
  pointKeys: string[];
}

export interface AckedMutation {
  clientId: string;
  mutationId: number;
  entityId: string;
  op: 'create' | 'update';
  status: string;
  version: number | null;
  /** The customer's name after this mutation, when it applied. */
  name: string | null;
}

export interface Rejection {
  kind: RequestKind;
  status: number;
  body: unknown;
}

/** Everything the simulated devices sent and were told: the ground truth the checks compare the platform with. */
export class Ledger {
  readonly counts = Object.fromEntries(
    REQUEST_KINDS.map((kind) => [kind, { operations: 0, requests: 0, acknowledged: 0, failedRequests: 0, abandoned: 0, rejected: 0 }]),
  ) as Record<RequestKind, KindCounts>;
  readonly logins = { requests: 0, failed: 0 };
  /** Failed requests by cause: the HTTP status, or the network error code. */
  readonly failureCauses: Record<string, number> = {};
  readonly checkIns: AckedCheckIn[] = [];
  readonly trackBatches: AckedTrackBatch[] = [];
  readonly mutations: AckedMutation[] = [];
  readonly rejections: Rejection[] = [];
  /** The first answers with a 5xx other than 502/503/504 (an unavailable upstream): a server error is a finding even when retried. */
  readonly serverErrors: Rejection[] = [];
  /** Mutations sent but never acknowledged, by client and id. */
  readonly unacknowledgedMutations: { clientId: string; mutationId: number; entityId: string }[] = [];
  readonly unacknowledgedCheckIns: string[] = [];
  private readonly ackTimes: Record<RequestKind, number[]> = { 'check-in': [], 'track-batch': [], 'sync-push': [] };

  acknowledged(kind: RequestKind): void {
    this.counts[kind].acknowledged += 1;
    this.ackTimes[kind].push(Date.now());
  }

  failed(kind: RequestKind | 'login', cause: string): void {
    if (kind === 'login') this.logins.failed += 1;
    else this.counts[kind].failedRequests += 1;
    this.failureCauses[cause] = (this.failureCauses[cause] ?? 0) + 1;
  }

  /** When an operation of `kind` was first acknowledged after `since` (ms since the epoch). */
  firstAckAfter(kind: RequestKind, since: number): number | undefined {
    return this.ackTimes[kind].find((at) => at > since);
  }
}

type AttemptOutcome = 'acknowledged' | 'retry' | 'rejected';

interface PendingMutation {
  mutationId: number;
  entity: 'customer';
  entityId: string;
  op: 'create' | 'update';
  baseVersion: number;
  base: Record<string, unknown>;
  changes: { name: string; location?: Location };
}

/** When the load stops taking new operations, and when operations still in progress give up. */
interface LoadControl {
  stopping: boolean;
  giveUpAt: number;
}

/** Why a request got no answer: the network error's code (ECONNREFUSED, ECONNRESET…), `timeout`, or the status a refused login got. */
export function failureCause(error: unknown): string {
  // Not `instanceof Error`: under jest, fetch's errors come from another realm than the test's Error.
  if (typeof error !== 'object' || error === null) return String(error);
  const { name, cause, message } = error as { name?: unknown; cause?: { code?: unknown }; message?: unknown };
  if (name === 'TimeoutError' || name === 'AbortError') return 'timeout';
  if (typeof cause?.code === 'string') return cause.code;
  const status = typeof message === 'string' ? /expected \d+, got (\d+)/.exec(message)?.[1] : undefined;
  if (status !== undefined) return status;
  return typeof name === 'string' ? name : 'unknown';
}

const RETRYABLE = new Set([401, 408, 425, 429]);
// What the gateway and the services answer while an upstream, the broker or the database is away.
const UNAVAILABLE = new Set([502, 503, 504]);
const backoff = (attempt: number): number => Math.min(2_000, 100 * 2 ** Math.min(attempt, 5));

/**
 * One rep's device: check-ins at their customers (their tasks first), trajectory batches and
 * sync pushes of customer creates and edits, each operation retried with the same ids and body
 * until acknowledged — as the mobile app does offline.
 */
class SimulatedDevice {
  private token: string | undefined;
  private readonly deviceId: string;
  private readonly clientId: string;
  private nextSeq = 1;
  private nextMutationId = 1;
  private nextTask = 0;
  private nextCustomer = 0;
  private position: Location;
  /** The customers this device created, as the last acknowledged mutation left them. */
  private readonly created = new Map<string, { name: string; version: number }>();

  constructor(
    private readonly tenant: FieldTenant,
    private readonly rep: FieldRep,
    private readonly ledger: Ledger,
    private readonly control: LoadControl,
    private readonly paceMs: number,
  ) {
    const suffix = randomBytes(3).toString('hex');
    this.deviceId = `faults-${rep.username}-${suffix}`;
    this.clientId = `faults-${rep.username}-${suffix}`;
    this.position = rep.customers[0]!.location;
  }

  /** One queue per kind, as the app keeps them: a push waiting for its owner holds back no check-in and no track upload. */
  async run(): Promise<void> {
    await Promise.all(
      REQUEST_KINDS.map(async (kind) => {
        while (!this.control.stopping) {
          await this.perform(kind);
          await sleep(this.paceMs);
        }
      }),
    );
  }

  private async perform(kind: RequestKind): Promise<void> {
    const counts = this.ledger.counts[kind];
    counts.operations += 1;
    const attempt = this.operation(kind);
    for (let tries = 1; ; tries += 1) {
      if (Date.now() > this.control.giveUpAt) {
        counts.abandoned += 1;
        attempt.abandon();
        return;
      }
      const outcome = await attempt.send();
      if (outcome === 'acknowledged') {
        this.ledger.acknowledged(kind);
        return;
      }
      if (outcome === 'rejected') {
        counts.rejected += 1;
        return;
      }
      await sleep(backoff(tries));
    }
  }

  private operation(kind: RequestKind): { send: () => Promise<AttemptOutcome>; abandon: () => void } {
    switch (kind) {
      case 'check-in':
        return this.checkIn();
      case 'track-batch':
        return this.trackBatch();
      case 'sync-push':
        return this.push();
      default: {
        const unknown: never = kind;
        throw new Error(`unknown request kind ${String(unknown)}`);
      }
    }
  }

  /** Sends one request with the device's token (logging in first when it has none); classifies the answer. */
  private async request<T>(kind: RequestKind, method: string, path: string, body: unknown): Promise<{ status: number; body: T } | undefined> {
    if (!this.token && !(await this.login())) {
      return undefined;
    }
    this.ledger.counts[kind].requests += 1;
    try {
      const answer = await this.tenant.client.call<T>(method, path, { token: this.token, body });
      if (answer.status >= 200 && answer.status < 300) return answer;
      if (answer.status === 401) this.token = undefined;
      if (answer.status >= 500 || RETRYABLE.has(answer.status)) {
        this.ledger.failed(kind, String(answer.status));
        if (answer.status >= 500 && !UNAVAILABLE.has(answer.status) && this.ledger.serverErrors.length < 20) {
          this.ledger.serverErrors.push({ kind, status: answer.status, body: answer.body });
        }
        return undefined;
      }
      this.ledger.rejections.push({ kind, status: answer.status, body: answer.body });
      return { status: answer.status, body: answer.body };
    } catch (error) {
      this.ledger.failed(kind, failureCause(error));
      return undefined;
    }
  }

  private async login(): Promise<boolean> {
    this.ledger.logins.requests += 1;
    try {
      this.token = (await this.tenant.client.login(this.rep.username)).accessToken;
      return true;
    } catch (error) {
      this.ledger.failed('login', failureCause(error));
      return false;
    }
  }

  private checkIn(): { send: () => Promise<AttemptOutcome>; abandon: () => void } {
    const task = this.rep.tasks[this.nextTask];
    if (task) this.nextTask += 1;
    const customerId = task?.customerId ?? this.rep.customers[this.nextCustomer++ % this.rep.customers.length]!.id;
    const location = this.rep.customers.find((customer) => customer.id === customerId)!.location;
    this.position = location;
    const id = randomUUID();
    const body = {
      id,
      customerId,
      ...(task ? { taskId: task.id } : {}),
      deviceId: this.deviceId,
      // ~35 m from the customer, inside its geofence.
      point: { lat: location.lat, lng: location.lng + 0.0005, accuracyM: 8, capturedAt: new Date().toISOString(), provider: 'gps', isMock: false },
    };
    return {
      send: async () => {
        const answer = await this.request<{ id: string; version: number }>('check-in', 'POST', '/api/v1/check-ins', body);
        if (!answer) return 'retry';
        if (answer.status >= 300) return 'rejected';
        if (answer.body.id !== id) {
          this.ledger.rejections.push({ kind: 'check-in', status: answer.status, body: { expectedId: id, answer: answer.body } });
          return 'rejected';
        }
        this.ledger.checkIns.push({ id, userId: this.rep.id, customerId, taskId: task?.id ?? null, version: answer.body.version });
        return 'acknowledged';
      },
      abandon: () => this.ledger.unacknowledgedCheckIns.push(id),
    };
  }

  private trackBatch(): { send: () => Promise<AttemptOutcome>; abandon: () => void } {
    const now = Date.now();
    const points = Array.from({ length: 10 }, (_, index) => ({
      seq: this.nextSeq + index,
      lat: this.position.lat + index * 0.00005,
      lng: this.position.lng,
      accuracyM: 10,
      capturedAt: new Date(now - (10 - index) * 1_000).toISOString(),
    }));
    this.nextSeq += points.length;
    const body = { deviceId: this.deviceId, points };
    return {
      send: async () => {
        const answer = await this.request<{ accepted: number; duplicates: number; rejected: unknown[] }>('track-batch', 'POST', '/api/v1/trajectories/points', body);
        if (!answer) return 'retry';
        if (answer.status >= 300) return 'rejected';
        if (answer.body.rejected.length > 0 || answer.body.accepted + answer.body.duplicates !== points.length) {
          this.ledger.rejections.push({ kind: 'track-batch', status: answer.status, body: answer.body });
          return 'rejected';
        }
        this.ledger.trackBatches.push({ userId: this.rep.id, deviceId: this.deviceId, pointKeys: points.map((point) => `seq:${point.seq}`) });
        return 'acknowledged';
      },
      abandon: () => undefined,
    };
  }

  /** A create of a new customer and, once it exists, an edit of one created before: one push, retried until every mutation has its final result. */
  private push(): { send: () => Promise<AttemptOutcome>; abandon: () => void } {
    const pending: PendingMutation[] = [];
    const name = `Pushed ${this.nextMutationId} by ${this.rep.username}`;
    pending.push({
      mutationId: this.nextMutationId++,
      entity: 'customer',
      entityId: randomUUID(),
      op: 'create',
      baseVersion: 0,
      base: {},
      changes: { name, location: { lat: this.position.lat + 0.001, lng: this.position.lng } },
    });
    const known = [...this.created];
    const edited = known[this.nextMutationId % Math.max(1, known.length)];
    if (edited) {
      const [entityId, state] = edited;
      pending.push({
        mutationId: this.nextMutationId++,
        entity: 'customer',
        entityId,
        op: 'update',
        baseVersion: state.version,
        base: { name: state.name },
        changes: { name: `${state.name.replace(/ \(v\d+\)$/, '')} (v${state.version + 1})` },
      });
    }
    return {
      send: async () => {
        const answer = await this.request<{ results: { mutationId: number; status: string; version?: number }[] }>('sync-push', 'POST', '/api/v1/sync/push', {
          clientId: this.clientId,
          mutations: pending,
        });
        if (!answer) return 'retry';
        if (answer.status >= 300) return 'rejected';
        for (const result of answer.body.results) {
          if (!['applied', 'merged', 'rejected'].includes(result.status)) continue;
          const index = pending.findIndex((mutation) => mutation.mutationId === result.mutationId);
          if (index < 0) continue;
          const [mutation] = pending.splice(index, 1);
          const applied = result.status !== 'rejected' && result.version !== undefined;
          this.ledger.mutations.push({
            clientId: this.clientId,
            mutationId: mutation!.mutationId,
            entityId: mutation!.entityId,
            op: mutation!.op,
            status: result.status,
            version: result.version ?? null,
            name: applied ? mutation!.changes.name : null,
          });
          if (applied) this.created.set(mutation!.entityId, { name: mutation!.changes.name, version: result.version! });
        }
        if (pending.length === 0) return 'acknowledged';
        // Answered, but a mutation's owner was unavailable: pushed again from it.
        this.ledger.failed('sync-push', 'owner unavailable (retry)');
        return 'retry';
      },
      abandon: () => {
        for (const mutation of pending) this.ledger.unacknowledgedMutations.push({ clientId: this.clientId, mutationId: mutation.mutationId, entityId: mutation.entityId });
      },
    };
  }
}

/** The steady load: one simulated device per rep, running until stopped. */
export class SteadyLoad {
  readonly ledger = new Ledger();
  private readonly control: LoadControl = { stopping: false, giveUpAt: Number.POSITIVE_INFINITY };
  private readonly running: Promise<void>[];

  constructor(tenant: FieldTenant, options: { paceMs: number }) {
    this.running = tenant.reps.map((rep) => new SimulatedDevice(tenant, rep, this.ledger, this.control, options.paceMs).run());
  }

  /** Takes no new operations; those in progress keep retrying for up to `drainMs`, then give up. */
  async stop(drainMs: number): Promise<void> {
    this.control.stopping = true;
    this.control.giveUpAt = Date.now() + drainMs;
    await Promise.all(this.running);
  }
}
