import { createHash } from 'node:crypto';
import { EventEmitter, once } from 'node:events';
import http from 'node:http';
import { type AddressInfo, type Socket } from 'node:net';

/** What the echo upstream received, as it answers it. */
export interface Echo {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  bodyBytes: number;
  bodySha256: string;
  /** The gateway's end of the connection the request came on. */
  remotePort: number;
}

/** Asks the echo upstream to answer with this status (and `Retry-After: 1`) instead of the echo. */
export const ECHO_STATUS_HEADER = 'x-echo-status';
/** Asks the echo upstream to cut the connection, unanswered, the first time this request id arrives. */
export const ECHO_CUT_FIRST_HEADER = 'x-echo-cut-first';

/**
 * An upstream answering every request with what it received (streaming the body through a hash),
 * and remembering which requests arrived, complete or not, by `x-request-id`. Two request
 * headers make it misbehave as a real upstream can: `x-echo-status` and `x-echo-cut-first`.
 */
export class EchoUpstream {
  /** Request ids of every request that reached the upstream, complete or aborted. */
  readonly arrived: string[] = [];
  /** Request ids of requests whose body arrived complete. */
  readonly completed: string[] = [];
  private readonly firstData = new EventEmitter();
  private readonly connections = new Set<Socket>();

  private constructor(private readonly server: http.Server) {}

  static async start(): Promise<EchoUpstream> {
    const upstream = new EchoUpstream(http.createServer());
    upstream.server.on('request', (request: http.IncomingMessage, response: http.ServerResponse) => upstream.answer(request, response));
    upstream.server.on('connection', (socket: Socket) => {
      upstream.connections.add(socket);
      socket.on('close', () => upstream.connections.delete(socket));
    });
    await new Promise<void>((resolve) => upstream.server.listen(0, '127.0.0.1', resolve));
    return upstream;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** True when a request with this id reached the upstream at all. */
  reached(requestId: string): boolean {
    return this.arrived.includes(requestId);
  }

  /** Connections to this upstream that are open now. */
  get openConnections(): number {
    return this.connections.size;
  }

  /** How many times a request with this id reached the upstream. */
  arrivals(requestId: string): number {
    return this.arrived.filter((id) => id === requestId).length;
  }

  /** Resolves when the first body bytes of the request with this id arrive. */
  async bodyStarted(requestId: string): Promise<void> {
    await once(this.firstData, requestId);
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private answer(request: http.IncomingMessage, response: http.ServerResponse): void {
    const requestId = String(request.headers['x-request-id']);
    this.arrived.push(requestId);
    const hash = createHash('sha256');
    let bodyBytes = 0;
    request.on('data', (chunk: Buffer) => {
      if (bodyBytes === 0) this.firstData.emit(requestId);
      bodyBytes += chunk.length;
      hash.update(chunk);
    });
    request.on('end', () => {
      this.completed.push(requestId);
      if (request.headers[ECHO_CUT_FIRST_HEADER] !== undefined && this.arrivals(requestId) === 1) {
        request.socket.destroy();
        return;
      }
      const status = Number(request.headers[ECHO_STATUS_HEADER] ?? 200);
      if (status !== 200) {
        const problem = { type: 'about:blank', title: 'Upstream says no', status, code: 'ECHO_REFUSED' };
        response.writeHead(status, { 'content-type': 'application/problem+json', 'retry-after': '1' }).end(JSON.stringify(problem));
        return;
      }
      const echo: Echo = {
        method: request.method ?? '',
        url: request.url ?? '',
        headers: request.headers,
        bodyBytes,
        bodySha256: hash.digest('hex'),
        remotePort: request.socket.remotePort ?? 0,
      };
      response.writeHead(200, { 'content-type': 'application/json', 'x-upstream': 'echo' }).end(JSON.stringify(echo));
    });
  }
}

/** A port nothing listens on: bound once, then released. */
export async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
