import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';
import { type IncomingMessage } from 'node:http';

export const TRACEPARENT_HEADER = 'traceparent';

// W3C Trace Context, version 00: 00-<32 hex trace id>-<16 hex parent id>-<2 hex flags>.
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;
const INVALID_TRACE_ID = '0'.repeat(32);
const INVALID_SPAN_ID = '0'.repeat(16);
const SAMPLED_FLAG = 0x01;

// Each randomBytes() call is a trip into OpenSSL (a twentieth of a proxied request's CPU at the
// gateway for two ids); ids are cut from a pool refilled a few KiB at a time, as randomUUID() does.
const RANDOM_POOL_BYTES = 4_096;
let randomPool = Buffer.alloc(0);
let randomPoolOffset = 0;

function randomHex(bytes: number): string {
  if (randomPoolOffset + bytes > randomPool.length) {
    randomPool = randomBytes(RANDOM_POOL_BYTES);
    randomPoolOffset = 0;
  }
  const hex = randomPool.toString('hex', randomPoolOffset, randomPoolOffset + bytes);
  randomPoolOffset += bytes;
  return hex;
}

/** The fields of a valid `traceparent` header. */
export interface Traceparent {
  traceId: string;
  parentSpanId: string;
  sampled: boolean;
}

/** Parses a W3C `traceparent` header; undefined when absent or malformed. */
export function parseTraceparent(header: string | undefined): Traceparent | undefined {
  const match = header === undefined ? null : TRACEPARENT.exec(header.trim().toLowerCase());
  if (match === null) return undefined;
  const [, traceId = '', parentSpanId = '', flags = '00'] = match;
  if (traceId === INVALID_TRACE_ID || parentSpanId === INVALID_SPAN_ID) return undefined;
  return { traceId, parentSpanId, sampled: (Number.parseInt(flags, 16) & SAMPLED_FLAG) === SAMPLED_FLAG };
}

const storage = new AsyncLocalStorage<TraceContext>();
const requestContexts = new WeakMap<IncomingMessage, TraceContext>();

/** Whether a new trace is recorded; undefined (every trace sampled) while tracing is off. */
let sampleNewTrace: ((traceId: string) => boolean) | undefined;

/**
 * Installed by tracing while it runs: its sampler decides the sampled flag of new traces, so the
 * `traceparent` sent downstream says what was decided here.
 */
export function decideNewTraces(sampler: ((traceId: string) => boolean) | undefined): void {
  sampleNewTrace = sampler;
}

/**
 * The trace this unit of work (an HTTP request, a consumed event) belongs to, with its own span id.
 * Outgoing events carry `traceparent` so the chain request → event → command can be followed.
 */
export class TraceContext {
  private constructor(
    readonly traceId: string,
    readonly spanId: string,
    readonly parentSpanId: string | undefined,
    readonly sampled: boolean,
    /** Shared by every message of one chain: the request id that started it, or the consumed event's correlation id. */
    readonly correlationId?: string,
    /** The request or event this work is the direct effect of. */
    readonly causationId?: string,
  ) {}

  /** The same trace, as the effect of `causationId` within chain `correlationId`. */
  causedBy(correlationId: string, causationId: string): TraceContext {
    return new TraceContext(this.traceId, this.spanId, this.parentSpanId, this.sampled, correlationId, causationId);
  }

  /** A new span of this trace under this context's span (an outgoing call, a publish), in the same chain. */
  child(): TraceContext {
    return new TraceContext(
      this.traceId,
      randomHex(8),
      this.spanId,
      this.sampled,
      this.correlationId,
      this.causationId,
    );
  }

  /** A new trace with no parent. */
  static start(): TraceContext {
    const traceId = randomHex(16);
    return new TraceContext(traceId, randomHex(8), undefined, sampleNewTrace?.(traceId) ?? true);
  }

  /** Continues the trace of an incoming `traceparent` (as a child span), or starts one when it is missing or malformed. */
  static continueFrom(traceparent: string | undefined): TraceContext {
    const parent = parseTraceparent(traceparent);
    if (parent === undefined) return TraceContext.start();
    return new TraceContext(parent.traceId, randomHex(8), parent.parentSpanId, parent.sampled);
  }

  /** The context of the current async call chain, if any. */
  static current(): TraceContext | undefined {
    return storage.getStore();
  }

  /** Runs `work` with `context` as the current trace context. */
  static run<T>(context: TraceContext, work: () => T): T {
    return storage.run(context, work);
  }

  /**
   * The context of an HTTP request, derived once from its `traceparent` header; the same object
   * for every caller (the request logger and the trace middleware).
   */
  static ofRequest(request: IncomingMessage): TraceContext {
    let context = requestContexts.get(request);
    if (context === undefined) {
      const header = request.headers[TRACEPARENT_HEADER];
      const requestId = request.headers['x-request-id'];
      context = TraceContext.continueFrom(typeof header === 'string' ? header : undefined);
      // The request id (set by the platform before any middleware) starts the chain of everything this request causes.
      if (typeof requestId === 'string') context = context.causedBy(requestId, requestId);
      requestContexts.set(request, context);
    }
    return context;
  }

  /** The `traceparent` to send downstream: this context's trace id with its own span as parent. */
  get traceparent(): string {
    return `00-${this.traceId}-${this.spanId}-${this.sampled ? '01' : '00'}`;
  }
}
