import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';

export interface Change {
  entity: string;
  id: string;
  op: 'upsert' | 'delete';
  version: number;
  data: Record<string, unknown> | null;
}

export interface Page {
  changes: Change[];
  cursor: string;
  hasMore: boolean;
}

/** One pull as the app sends it; answers status and body. */
export async function pull(
  app: NestFastifyApplication,
  token: string,
  query: { cursor?: string; limit?: number; clientId?: string } = {},
): Promise<{ status: number; body: Page; contentType: string | undefined }> {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined) params.set(key, String(value));
  const response = await app.inject({ method: 'GET', url: `/api/v1/sync/pull?${params.toString()}`, headers: { authorization: `Bearer ${token}` } });
  return { status: response.statusCode, body: response.json(), contentType: response.headers['content-type'] as string | undefined };
}

/**
 * A device's local copy: applies pulled pages like the app does and remembers every change it
 * received, so tests can assert on both the end state and what travelled.
 */
export class Device {
  readonly records = new Map<string, Change>();
  readonly received: Change[] = [];
  cursor: string | undefined;
  pages = 0;

  constructor(
    private readonly app: NestFastifyApplication,
    public token: string,
  ) {}

  /** One page; fails the test on anything but 200. */
  async pullPage(limit?: number): Promise<Page> {
    const { status, body } = await pull(this.app, this.token, { cursor: this.cursor, limit });
    if (status !== 200) throw new Error(`pull answered ${status}: ${JSON.stringify(body)}`);
    for (const change of body.changes) {
      this.received.push(change);
      const key = `${change.entity}:${change.id}`;
      if (change.op === 'delete') this.records.delete(key);
      else this.records.set(key, change);
    }
    this.cursor = body.cursor;
    this.pages += 1;
    return body;
  }

  /** Pages until the feed has no more; answers the changes of this round. */
  async sync(limit?: number): Promise<Change[]> {
    const start = this.received.length;
    for (let guard = 0; guard < 10_000; guard += 1) {
      if (!(await this.pullPage(limit)).hasMore) return this.received.slice(start);
    }
    throw new Error('the feed never ran out of pages');
  }

  /** Ids of the records of `entity` the device holds, sorted. */
  ids(entity = 'customer'): string[] {
    return [...this.records.values()].filter((change) => change.entity === entity).map((change) => change.id).sort();
  }

  version(id: string, entity = 'customer'): number | undefined {
    return this.records.get(`${entity}:${id}`)?.version;
  }
}

/** True once the service's consumers recorded every event id in its inbox. */
export async function consumed(app: NestFastifyApplication, eventIds: readonly string[]): Promise<boolean> {
  const rows = await app.get(DataSource).query(`SELECT count(*)::int AS n FROM sync.inbox WHERE event_id = ANY($1::uuid[])`, [eventIds]);
  return rows[0].n === new Set(eventIds).size;
}
