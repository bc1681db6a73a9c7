import { type QueryRunner } from 'typeorm';
import { fnv1a32, quoteSchema } from '../sql';

/**
 * Number of ordering lanes of an outbox. Every row of one key is in the same lane; a relay
 * replica publishes a lane only while holding its advisory lock. Fixed forever: changing it
 * while rows are pending would split a key across two lanes.
 */
export const OUTBOX_LANES = 64;

/** The lane of a record key. */
export function laneOf(key: string): number {
  return fnv1a32(key) % OUTBOX_LANES;
}

/** The Postgres NOTIFY channel on which a schema's outbox announces new rows. */
export function outboxChannel(schema: string): string {
  quoteSchema(schema);
  return `${schema}_outbox`;
}

/** Creates `<schema>.outbox` and `<schema>.inbox`; call from the service's first migration. */
export async function createMessagingTables(queryRunner: QueryRunner, schema: string): Promise<void> {
  const s = quoteSchema(schema);
  await queryRunner.query(`
    CREATE TABLE ${s}.outbox (
      id          bigserial PRIMARY KEY,
      event_id    uuid NOT NULL UNIQUE,
      event_type  text NOT NULL,
      topic       text NOT NULL,
      message_key text NOT NULL,
      lane        smallint NOT NULL CHECK (lane >= 0 AND lane < ${OUTBOX_LANES}),
      payload     jsonb NOT NULL,
      headers     jsonb NOT NULL,
      created_at  timestamptz NOT NULL DEFAULT now(),
      attempts    integer NOT NULL DEFAULT 0,
      last_error  text,
      sent_at     timestamptz
    )`);
  // The relay reads the oldest unsent rows of the lanes it holds.
  await queryRunner.query(`CREATE INDEX outbox_unsent_idx ON ${s}.outbox (lane, id) WHERE sent_at IS NULL`);
  // Pruning removes sent rows past their retention.
  await queryRunner.query(`CREATE INDEX outbox_sent_at_idx ON ${s}.outbox (sent_at) WHERE sent_at IS NOT NULL`);
  await queryRunner.query(`
    CREATE TABLE ${s}.inbox (
      consumer_group text NOT NULL,
      event_id       uuid NOT NULL,
      event_type     text NOT NULL,
      topic          text NOT NULL,
      partition      integer NOT NULL,
      "offset"       bigint NOT NULL,
      processed_at   timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (consumer_group, event_id)
    )`);
  await queryRunner.query(`CREATE INDEX inbox_processed_at_idx ON ${s}.inbox (processed_at)`);
}

/** Drops the tables `createMessagingTables` made; the migration's `down`. */
export async function dropMessagingTables(queryRunner: QueryRunner, schema: string): Promise<void> {
  const s = quoteSchema(schema);
  await queryRunner.query(`DROP TABLE IF EXISTS ${s}.inbox`);
  await queryRunner.query(`DROP TABLE IF EXISTS ${s}.outbox`);
}
