/**
 * `npm run tenant:create -- --slug <slug> --admin <username> [--name <display name>]`: creates a
 * tenant through the permissions service's own CLI entry point, in a child process (tools never
 * import services). The administrator's password comes from TENANT_ADMIN_PASSWORD or a prompt.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';

// From the sources this file runs through swc; from the production build, as dist/tools/tenant-create.js.
const compiled = path.extname(__filename) === '.js';
const root = path.resolve(__dirname, '..');

function main(argv: readonly string[]): Promise<number> {
  const entry = path.join(root, 'services', 'permissions', 'src', 'cli', compiled ? 'tenant-create.js' : 'tenant-create.ts');
  const nodeArgs = compiled ? [entry, ...argv] : ['-r', '@swc-node/register', entry, ...argv];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, nodeArgs, { cwd: compiled ? path.dirname(root) : root, stdio: 'inherit' });
    child.once('error', reject);
    child.once('close', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

void main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: Error) => {
    process.stderr.write(`tenant:create: could not start the permissions CLI: ${error.message}\n`);
    process.exitCode = 1;
  },
);
