import { type EventCause } from '@fieldforce/contracts';
import { TraceContext } from '@fieldforce/observability';

/** Who makes a change, as the audit log and events record it. */
export interface Actor {
  tenantId: string;
  /** Null when the platform itself acts (tenant creation from the CLI, the dev seed). */
  userId: string | null;
  requestId: string | null;
}

/** The platform acting in a tenant (CLI, seed). */
export function systemActor(tenantId: string): Actor {
  return { tenantId, userId: null, requestId: null };
}

/** The cause outgoing events carry: the current request's trace, so request → event can be followed. */
export function currentEventCause(): EventCause {
  const trace = TraceContext.current();
  return trace ? { traceparent: trace.traceparent } : {};
}
