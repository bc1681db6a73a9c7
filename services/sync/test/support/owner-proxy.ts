import http from 'node:http';
import { type AddressInfo, type Socket } from 'node:net';

/** What the proxy does with a request: forward it, answer 503 itself, or hold it without answering. */
export type OwnerProxyMode = 'forward' | 'fail-503' | 'hang';

/** An owner's answer as it passed through the proxy. */
export interface ForwardedAnswer {
  idempotencyKey: string | undefined;
  status: number;
  body: string;
}

/**
 * Stands between sync and an owning service, so tests can take the owner down (connection
 * refused), make it fail or hang, and act at the moment the owner has committed a mutation but
 * sync has not yet seen the answer (`afterOwnerAnswered`).
 */
export class OwnerProxy {
  mode: OwnerProxyMode = 'forward';
  /** Runs after the owner answered and before the answer travels on; a rejection drops the answer (the connection is cut). */
  afterOwnerAnswered: ((answer: ForwardedAnswer) => Promise<void>) | undefined;
  readonly answers: ForwardedAnswer[] = [];
  private readonly sockets = new Set<Socket>();
  private server: http.Server;

  private constructor(
    private readonly target: string,
    readonly port: number,
  ) {
    this.server = this.createServer();
  }

  static async start(target: string): Promise<OwnerProxy> {
    const probe = http.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise((resolve) => probe.close(resolve));
    const proxy = new OwnerProxy(target, port);
    await proxy.up();
    return proxy;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Listens again on the same port: the owner is back. */
  async up(): Promise<void> {
    if (this.server.listening) return;
    this.server = this.createServer();
    await new Promise<void>((resolve) => this.server.listen(this.port, '127.0.0.1', resolve));
  }

  /** Stops listening and cuts every open connection: new calls are refused, calls in flight fail. */
  async down(): Promise<void> {
    if (!this.server.listening) return;
    const closed = new Promise((resolve) => this.server.close(resolve));
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }

  /** How many mutations the owner answered under `idempotencyKey`. */
  answeredCount(idempotencyKey: string): number {
    return this.answers.filter((answer) => answer.idempotencyKey === idempotencyKey).length;
  }

  private createServer(): http.Server {
    const server = http.createServer((request, response) => void this.handle(request, response));
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    return server;
  }

  private async handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    if (this.mode === 'hang') return;
    if (this.mode === 'fail-503') {
      response.writeHead(503, { 'content-type': 'application/problem+json' }).end(JSON.stringify({ title: 'Service Unavailable', status: 503 }));
      return;
    }
    const headers: Record<string, string> = {};
    for (const name of ['authorization', 'idempotency-key', 'content-type', 'x-request-id']) {
      const value = request.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    let answer: ForwardedAnswer;
    try {
      const upstream = await fetch(this.target + (request.url ?? '/'), { method: request.method, headers, body: Buffer.concat(chunks) });
      answer = { idempotencyKey: headers['idempotency-key'], status: upstream.status, body: await upstream.text() };
    } catch {
      // The owner itself is not there: the caller sees its connection cut.
      request.socket.destroy();
      return;
    }
    this.answers.push(answer);
    try {
      await this.afterOwnerAnswered?.(answer);
    } catch {
      request.socket.destroy();
      return;
    }
    response.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body);
  }
}
