import { type DataSource } from 'typeorm';
import { migrationStatus, runMigrations } from './migrations';
import { redactUrl } from './schema-services';

type MigrateCommand = { kind: 'up' } | { kind: 'down'; steps: number } | { kind: 'status' };

const USAGE = 'usage: migrate up | down [steps] | status';

/** Parses `up`, `down [steps]` or `status`; throws the usage line on anything else. */
export function parseMigrateCommand(args: readonly string[]): MigrateCommand {
  const [kind, stepsArg, ...rest] = args;
  if (rest.length > 0) throw new Error(USAGE);
  if (kind === 'up' && stepsArg === undefined) return { kind: 'up' };
  if (kind === 'status' && stepsArg === undefined) return { kind: 'status' };
  if (kind === 'down') {
    const steps = stepsArg === undefined ? 1 : Number(stepsArg);
    if (!Number.isInteger(steps) || steps < 1) throw new Error(`down: steps must be a positive integer\n${USAGE}`);
    return { kind: 'down', steps };
  }
  throw new Error(USAGE);
}

/**
 * The body of each service's `migrate` entry point (`node dist/services/<svc>/src/migrate.js up`):
 * prints one line per migration and returns the process exit code.
 */
export async function runMigrateCli(dataSource: DataSource, args: readonly string[]): Promise<number> {
  const label = dataSource.driver.schema ?? 'migrate';
  const say = (line: string): void => void process.stdout.write(`${label}: ${line}\n`);
  let command: MigrateCommand;
  try {
    command = parseMigrateCommand(args);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    return 2;
  }
  try {
    await dataSource.initialize();
    switch (command.kind) {
      case 'up': {
        const applied = await runMigrations(dataSource, 'up');
        for (const name of applied) say(`applied ${name}`);
        say(applied.length > 0 ? `${applied.length} migration(s) applied` : 'up to date');
        break;
      }
      case 'down': {
        const reverted = await runMigrations(dataSource, 'down', command.steps);
        for (const name of reverted) say(`reverted ${name}`);
        if (reverted.length === 0) say('nothing to revert');
        break;
      }
      case 'status': {
        const states = await migrationStatus(dataSource);
        for (const state of states) say(`${state.applied ? '[x]' : '[ ]'} ${state.name}`);
        const pending = states.filter((state) => !state.applied).length;
        say(`${states.length - pending} applied, ${pending} pending`);
        break;
      }
    }
    return 0;
  } catch (error) {
    const url = 'url' in dataSource.options ? dataSource.options.url : undefined;
    const where = url ? ` (${redactUrl(url)})` : '';
    process.stderr.write(`${label}: migrate ${command.kind} failed${where}: ${describeError(error)}\n`);
    return 1;
  } finally {
    if (dataSource.isInitialized) await dataSource.destroy();
  }
}

function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as Error & { code?: unknown }).code;
  return typeof code === 'string' ? `${error.message} [${code}]` : error.message;
}
