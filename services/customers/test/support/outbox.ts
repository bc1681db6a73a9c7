import { type DataSource } from 'typeorm';

/** An event the customers service appended to its outbox: what the relay will publish. */
export interface OutboxEvent {
  type: string;
  data: { customer: Record<string, unknown>; changedFields: string[]; previousOwnerId?: string | null; newOwnerId?: string };
}

/** The events appended for one customer, oldest first. */
export async function outboxEventsOf(dataSource: DataSource, customerId: string): Promise<OutboxEvent[]> {
  const rows = await dataSource.query<{ payload: OutboxEvent }[]>(
    'SELECT payload FROM customers.outbox WHERE message_key = $1 ORDER BY id',
    [customerId],
  );
  return rows.map(({ payload }) => ({ type: payload.type, data: payload.data }));
}
