import net, { type AddressInfo } from 'node:net';

/**
 * A TCP relay in front of a real server (Redis), so a test can make that server disappear
 * (`close`) or stop answering while connections stay open (`blackhole`).
 */
export class TcpRelay {
  private readonly sockets = new Set<net.Socket>();
  private silent = false;

  private constructor(private readonly server: net.Server) {}

  static async start(targetHost: string, targetPort: number): Promise<TcpRelay> {
    const relay = new TcpRelay(net.createServer());
    relay.server.on('connection', (client) => relay.relay(client, targetHost, targetPort));
    await new Promise<void>((resolve) => relay.server.listen(0, '127.0.0.1', resolve));
    return relay;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** From now on bytes are swallowed in both directions: the server seems alive but never answers. */
  blackhole(): void {
    this.silent = true;
  }

  /** Drops every connection and stops accepting new ones: the server is down. */
  async close(): Promise<void> {
    const closed = new Promise((resolve) => this.server.close(resolve));
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }

  private relay(client: net.Socket, host: string, port: number): void {
    const target = net.connect(port, host);
    for (const [from, to] of [
      [client, target],
      [target, client],
    ] as const) {
      this.sockets.add(from);
      from.on('data', (chunk: Buffer) => {
        if (!this.silent) to.write(chunk);
      });
      from.on('error', () => to.destroy());
      from.on('close', () => {
        this.sockets.delete(from);
        to.destroy();
      });
    }
  }
}
