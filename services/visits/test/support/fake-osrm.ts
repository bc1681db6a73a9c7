import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo } from 'node:net';

/** What the fake answers to one request. */
export interface FakeOsrmAnswer {
  status: number;
  body: string;
  delayMs?: number;
}

/** Great-circle metres, for the fake's "roads". */
function metresBetween(a: { lat: number; lng: number }, b: { lat: number; lng: number }): number {
  const radians = (degrees: number): number => (degrees * Math.PI) / 180;
  const h = Math.sin(radians(b.lat - a.lat) / 2) ** 2 + Math.cos(radians(a.lat)) * Math.cos(radians(b.lat)) * Math.sin(radians(b.lng - a.lng) / 2) ** 2;
  return 2 * 6_371_008.8 * Math.asin(Math.min(1, Math.sqrt(h)));
}

/**
 * Answers a `table` request as OSRM does, from the coordinates in its path: roads 1.2 × the
 * straight line at 12 m/s, rounded; `unroutable` [from, to] answers null for that pair.
 */
export function osrmTableAnswer(url: URL, unroutable?: [number, number]): string {
  const coordinates = decodeURIComponent(url.pathname.split('/')[4] ?? '')
    .split(';')
    .map((pair) => {
      const [lng, lat] = pair.split(',').map(Number);
      return { lat: lat!, lng: lng! };
    });
  const distances = coordinates.map((a, i) =>
    coordinates.map((b, j) => (unroutable && unroutable[0] === i && unroutable[1] === j ? null : Math.round(metresBetween(a, b) * 1.2))),
  );
  const durations = distances.map((row) => row.map((metres) => (metres === null ? null : Math.round(metres / 12))));
  return JSON.stringify({ code: 'Ok', durations, distances, sources: [], destinations: [] });
}

/** A stand-in for an OSRM server on a local port: records each request path, answers what `respond` says. */
export class FakeOsrm {
  readonly requests: string[] = [];
  respond: (url: URL) => FakeOsrmAnswer = (url) => ({ status: 200, body: osrmTableAnswer(url) });

  private constructor(private readonly server: Server) {}

  static async start(): Promise<FakeOsrm> {
    const server = createServer((request: IncomingMessage, response: ServerResponse) => {
      const url = new URL(request.url ?? '/', 'http://fake');
      fake.requests.push(url.pathname + url.search);
      const answer = fake.respond(url);
      setTimeout(() => {
        response.writeHead(answer.status, { 'content-type': 'application/json' });
        response.end(answer.body);
      }, answer.delayMs ?? 0);
    });
    const fake = new FakeOsrm(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
