/**
 * Creates a tenant with its root org unit, the built-in roles and an administrator:
 * `tenant-create --slug <slug> --admin <username> [--name <display name>]`. The administrator's
 * password comes from TENANT_ADMIN_PASSWORD, else from a prompt (hidden input).
 */
import readline from 'node:readline';
import { parseArgs } from 'node:util';
import { TenantsService, TENANT_SLUG_REGEX } from '../modules/tenants/tenants.service';
import { PASSWORD_LENGTH, USERNAME_REGEX } from '../modules/users/dto/user.dto';
import { CliError, runCli } from './run-cli';

const USAGE = 'usage: npm run tenant:create -- --slug <slug> --admin <username> [--name <display name>]';

function parseOptions(argv: string[]): { slug: string; admin: string; name?: string } {
  let values: { slug?: string; admin?: string; name?: string };
  try {
    ({ values } = parseArgs({ args: argv, options: { slug: { type: 'string' }, admin: { type: 'string' }, name: { type: 'string' } } }));
  } catch (error) {
    throw new CliError(`${(error as Error).message}\n${USAGE}`);
  }
  const slug = values.slug?.trim().toLowerCase();
  const admin = values.admin?.trim().toLowerCase();
  if (!slug || !admin) throw new CliError(USAGE);
  if (!TENANT_SLUG_REGEX.test(slug)) throw new CliError(`--slug must be 2-63 lower-case letters, digits or inner dashes, got ${slug}`);
  if (!USERNAME_REGEX.test(admin)) throw new CliError(`--admin must be 1-100 letters, digits or ._@-, got ${admin}`);
  return { slug, admin, name: values.name };
}

async function adminPassword(): Promise<string> {
  const fromEnv = process.env.TENANT_ADMIN_PASSWORD;
  const password = fromEnv ?? (await promptHidden('Password for the administrator: '));
  if (password.length < PASSWORD_LENGTH.min || password.length > PASSWORD_LENGTH.max) {
    throw new CliError(`the password must be ${PASSWORD_LENGTH.min}-${PASSWORD_LENGTH.max} characters`);
  }
  return password;
}

function promptHidden(question: string): Promise<string> {
  if (!process.stdin.isTTY) throw new CliError('no terminal to ask for the password: set TENANT_ADMIN_PASSWORD');
  return new Promise((resolve) => {
    const prompt = readline.createInterface({ input: process.stdin, output: process.stdout, terminal: true });
    // Echo nothing of what is typed: replace readline's output of the answer.
    const write = (prompt as unknown as { _writeToOutput: (text: string) => void })._writeToOutput.bind(prompt);
    (prompt as unknown as { _writeToOutput: (text: string) => void })._writeToOutput = (text) => {
      if (text.startsWith(question)) write(question);
    };
    prompt.question(question, (answer) => {
      prompt.close();
      process.stdout.write('\n');
      resolve(answer);
    });
  });
}

runCli(async (cli) => {
  const options = parseOptions(process.argv.slice(2));
  const password = await adminPassword();
  const result = await cli.withApp((app) =>
    app.get(TenantsService).create({ slug: options.slug, name: options.name, adminUsername: options.admin, adminPassword: password }),
  );
  if (!result.created) throw new CliError(`tenant ${options.slug} exists already (${result.tenant.id}); nothing changed`);
  process.stdout.write(
    [
      `tenant ${result.tenant.slug} created (${result.tenant.id})`,
      `  root org unit: ${result.rootOrgUnit?.name} (${result.rootOrgUnit?.id})`,
      `  roles: ${(result.roles ?? []).map((role) => role.name).join(', ')}`,
      `  administrator: ${result.admin?.username} (${result.admin?.id}); enrol TOTP at the first login`,
      '',
    ].join('\n'),
  );
});
