/**
 * Rotates the access-token signing key now: `signing-keys:rotate [--withdraw-previous]`. Without
 * the flag the retired key stays published until its tokens expire (a routine rotation); with it
 * the previous keys are withdrawn at once and every token they signed stops verifying (a leaked key).
 */
import { parseArgs } from 'node:util';
import { SigningKeysService } from '../modules/signing-keys/signing-keys.service';
import { CliError, runCli } from './run-cli';

const USAGE = 'usage: npm run signing-keys:rotate -- [--withdraw-previous]';

export function parseRotateOptions(argv: string[]): { withdrawPrevious: boolean } {
  try {
    const { values } = parseArgs({ args: argv, options: { 'withdraw-previous': { type: 'boolean' } }, strict: true });
    return { withdrawPrevious: values['withdraw-previous'] === true };
  } catch (error) {
    throw new CliError(`${(error as Error).message}\n${USAGE}`);
  }
}

if (require.main === module) {
  runCli(async (cli) => {
    const options = parseRotateOptions(process.argv.slice(2));
    const { kid, withdrawn } = await cli.withApp((app) => app.get(SigningKeysService).rotateNow(options));
    process.stdout.write(
      [
        `signing key rotated: ${kid} signs from now on (other replicas switch within a minute)`,
        options.withdrawPrevious
          ? `  withdrawn: ${withdrawn.join(', ') || 'none'}; tokens they signed no longer verify (services drop cached keys within AUTH_JWKS_MAX_AGE_MS)`
          : '  the previous key stays published until its tokens expire',
        '',
      ].join('\n'),
    );
  });
}
