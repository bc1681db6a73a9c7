/**
 * `npm run migrate -- <service> [up | down [steps] | status]`: runs one service's migrations
 * through that service's own migrate entry point, in a child process, as the ops image does.
 * DATABASE_URL (the service role's URL) applies as it would for the service.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { SCHEMA_SERVICES, type SchemaService, isSchemaService } from '@fieldforce/persistence';

// From the sources this file runs through swc; from the production build, as dist/tools/migrate.js.
const compiled = path.extname(__filename) === '.js';
const root = path.resolve(__dirname, '..');

/** Spawns `services/<service>/src/migrate` with the given arguments; resolves with its exit code. */
export function spawnServiceMigrate(
  service: SchemaService,
  args: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const entry = path.join(root, 'services', service, 'src', compiled ? 'migrate.js' : 'migrate.ts');
  const nodeArgs = compiled ? [entry, ...args] : ['-r', '@swc-node/register', entry, ...args];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, nodeArgs, { cwd: compiled ? path.dirname(root) : root, env, stdio: 'inherit' });
    child.once('error', reject);
    child.once('close', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

async function main(argv: readonly string[]): Promise<number> {
  const [service, ...command] = argv;
  if (!service || !isSchemaService(service)) {
    process.stderr.write(
      `usage: npm run migrate -- <service> [up | down [steps] | status]\n  services: ${SCHEMA_SERVICES.join(', ')}\n`,
    );
    return 2;
  }
  return spawnServiceMigrate(service, command.length > 0 ? command : ['up']);
}

if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
