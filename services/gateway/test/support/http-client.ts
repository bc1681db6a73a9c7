import http from 'node:http';

export interface HttpAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/**
 * Sends a request whose body goes out in chunks without content-length (Transfer-Encoding:
 * chunked), as a client streaming a body of unknown size does. `beforeRest` runs after the
 * first chunk is written and before the others.
 */
export function sendChunked(
  url: string,
  options: { method: string; headers: Record<string, string>; chunks: Buffer[]; beforeRest?: () => Promise<void> },
): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method: options.method, headers: options.headers, agent: false });
    let answered = false;
    request.on('response', (response) => {
      answered = true;
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }));
    });
    // A server that answers before the body is complete may close while the client still writes.
    request.on('error', (error) => {
      if (!answered) reject(error);
    });
    const [first, ...rest] = options.chunks;
    void (async () => {
      if (first) request.write(first);
      await options.beforeRest?.();
      for (const chunk of rest) request.write(chunk);
      request.end();
    })().catch(reject);
  });
}

/** The sum of a Prometheus counter's samples whose labels include `labels` (all samples without). */
export function counterTotal(metrics: string, name: string, labels: Record<string, string> = {}): number {
  const wanted = Object.entries(labels).map(([label, value]) => `${label}="${value}"`);
  return metrics
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) && wanted.every((pair) => line.includes(pair)))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}
