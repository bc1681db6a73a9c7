/** Runs the sync service's migrations: `node dist/services/sync/src/migrate.js up | down [steps] | status`. */
import { runMigrateCli } from '@fieldforce/persistence';
import dataSource from './database/data-source';

void runMigrateCli(dataSource, process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
