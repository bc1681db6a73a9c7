import http from 'node:http';
import net from 'node:net';

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

/**
 * Writes a whole request (head and body) at once and reads the answer only `readAfterMs` later,
 * as a busy client does: whatever the server closed with meanwhile decides whether the answer
 * can still be read. Resolves with the raw answer, or rejects with the socket's error (a reset).
 */
export function sendWholeThenRead(url: string, head: Record<string, string>, method: string, body: Buffer, readAfterMs: number): Promise<string> {
  const { hostname, port, pathname } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: hostname, port: Number(port) });
    socket.pause();
    const lines = [`${method} ${pathname} HTTP/1.1`, `host: ${hostname}:${port}`, `content-length: ${body.length}`, ...Object.entries(head).map(([name, value]) => `${name}: ${value}`)];
    socket.write(`${lines.join('\r\n')}\r\n\r\n`);
    socket.write(body);
    let answer = '';
    socket.on('error', reject);
    socket.on('data', (chunk: Buffer) => {
      answer += chunk.toString('utf8');
      // One answer is all this client waits for, whether or not the server keeps the connection.
      const headEnd = answer.indexOf('\r\n\r\n');
      const length = /\r\ncontent-length: (\d+)/i.exec(answer.slice(0, headEnd))?.[1];
      if (headEnd >= 0 && length !== undefined && Buffer.byteLength(answer.slice(headEnd + 4)) >= Number(length)) socket.destroy();
    });
    socket.on('close', () => resolve(answer));
    setTimeout(() => socket.resume(), readAfterMs);
  });
}
