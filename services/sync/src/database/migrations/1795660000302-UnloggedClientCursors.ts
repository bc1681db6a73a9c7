import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * The last cursor per client is informational (sync status), written on every pull: unlogged, so
 * a pull waits for no WAL flush. A crash empties it; the next pull of each client fills it again.
 */
export class UnloggedClientCursors1795660000302 implements MigrationInterface {
  name = 'UnloggedClientCursors1795660000302';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE sync.client_cursors SET UNLOGGED`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE sync.client_cursors SET LOGGED`);
  }
}
