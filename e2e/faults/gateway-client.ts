/** An answer of the gateway: status and parsed JSON body (an empty object for an empty body, the text when it is not JSON). */
export interface Answer<T = Record<string, unknown>> {
  status: number;
  body: T;
}

export interface CallOptions {
  token?: string;
  body?: unknown;
  /** A request without an answer in this time counts as failed (the client gives up and retries). */
  timeoutMs?: number;
}

/**
 * One request to the gateway as a device makes it. Network failures (refused, reset, timed out)
 * are thrown, so callers tell "no answer" from an answer.
 */
export async function call<T = Record<string, unknown>>(baseUrl: string, method: string, path: string, options: CallOptions = {}): Promise<Answer<T>> {
  const response = await fetch(baseUrl + path, {
    method,
    headers: {
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
  });
  const text = await response.text();
  let body: unknown = {};
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
  }
  return { status: response.status, body: body as T };
}

/** Why a request got no answer, for the failure counts: the error code (ECONNREFUSED, ECONNRESET…) or the error name. */
export function failureCause(error: unknown): string {
  // Not `instanceof Error`: under jest, fetch's errors come from another realm than the test's Error.
  if (typeof error !== 'object' || error === null) return String(error);
  const { name, cause } = error as { name?: unknown; cause?: { code?: unknown } };
  if (name === 'TimeoutError' || name === 'AbortError') return 'timeout';
  if (typeof cause?.code === 'string') return cause.code;
  return typeof name === 'string' ? name : 'unknown';
}
