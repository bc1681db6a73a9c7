import { type DataSource } from 'typeorm';

/** An event the customers service appended to its outbox: what the relay will publish. */
export interface OutboxEvent<D = { customer: Record<string, unknown>; changedFields: string[]; previousOwnerId?: string | null; newOwnerId?: string }> {
  type: string;
  data: D;
}

/** The events appended with record key `key` (a customer's, a territory's id; the tenant id for settings), oldest first. */
export async function outboxEventsOf<D = OutboxEvent['data']>(dataSource: DataSource, key: string): Promise<OutboxEvent<D>[]> {
  const rows = await dataSource.query<{ payload: OutboxEvent<D> }[]>(
    'SELECT payload FROM customers.outbox WHERE message_key = $1 ORDER BY id',
    [key],
  );
  return rows.map(({ payload }) => ({ type: payload.type, data: payload.data }));
}
