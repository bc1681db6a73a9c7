import { type TravelMatrix } from '../route-planner';
import { type DistanceProvider, DistanceProviderError, type LatLng, UNREACHABLE } from './distance-provider';

export interface OsrmOptions {
  /** The server's base URL, e.g. `http://osrm:5000`. */
  url: string;
  /** The profile the server was built for (`driving`, `car`, `bike` …). */
  profile: string;
  timeoutMs: number;
}

/** The parts of an OSRM `table` answer used here. */
interface OsrmTableResponse {
  code?: unknown;
  message?: unknown;
  durations?: unknown;
  distances?: unknown;
}

function squareMatrix(value: unknown, size: number, field: string): (number | null)[][] {
  const valid =
    Array.isArray(value) &&
    value.length === size &&
    value.every((row) => Array.isArray(row) && row.length === size && row.every((cell) => cell === null || (typeof cell === 'number' && Number.isFinite(cell) && cell >= 0)));
  if (!valid) throw new DistanceProviderError(`OSRM table answer has no ${size}×${size} ${field} matrix`);
  return value as (number | null)[][];
}

/**
 * Road distances and durations from an OSRM server's `table` service
 * (`GET /table/v1/{profile}/{lng,lat;…}?annotations=distance,duration`). A pair with no route
 * (`null`) counts as unreachable.
 */
export class OsrmDistanceProvider implements DistanceProvider {
  readonly name = 'osrm';

  constructor(private readonly options: OsrmOptions) {}

  async matrix(points: readonly LatLng[]): Promise<TravelMatrix> {
    if (points.length === 0) return { distance: [], duration: [] };
    // OSRM takes longitude first; 6 decimals are about 10 cm.
    const coordinates = points.map((point) => `${point.lng.toFixed(6)},${point.lat.toFixed(6)}`).join(';');
    const url = `${this.options.url.replace(/\/+$/, '')}/table/v1/${encodeURIComponent(this.options.profile)}/${coordinates}?annotations=distance,duration`;
    let body: OsrmTableResponse;
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(this.options.timeoutMs), headers: { accept: 'application/json' } });
      const text = await response.text();
      try {
        body = JSON.parse(text) as OsrmTableResponse;
      } catch {
        throw new DistanceProviderError(`OSRM answered ${response.status} with a body that is not JSON`);
      }
      if (!response.ok || body.code !== 'Ok') {
        const said = (value: unknown): string => (typeof value === 'string' ? value : '');
        throw new DistanceProviderError(`OSRM answered ${response.status} ${said(body.code)}: ${said(body.message)}`);
      }
    } catch (error) {
      if (error instanceof DistanceProviderError) throw error;
      // A timeout is a DOMException, which is not an Error in every realm (jest's, for one): look at its name.
      const { name, message } = error as { name?: unknown; message?: unknown };
      const reason = name === 'TimeoutError' || name === 'AbortError' ? `no answer within ${this.options.timeoutMs} ms` : String(message);
      throw new DistanceProviderError(`OSRM unreachable: ${reason}`);
    }
    const durations = squareMatrix(body.durations, points.length, 'durations');
    const distances = squareMatrix(body.distances, points.length, 'distances');
    return {
      distance: distances.map((row) => row.map((cell) => cell ?? UNREACHABLE)),
      duration: durations.map((row) => row.map((cell) => cell ?? UNREACHABLE)),
    };
  }
}
