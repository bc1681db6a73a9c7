/**
 * The development seed: tenant `demo` with administrator `admin` (password DEMO_ADMIN_PASSWORD,
 * default `fieldforce-demo`) and the built-in roles. Idempotent: an existing demo tenant is left as it is.
 */
import { TenantsService } from '../modules/tenants/tenants.service';
import { runCli } from './run-cli';

const DEMO_TENANT = 'demo';
const DEMO_ADMIN = 'admin';

runCli(async (cli) => {
  const result = await cli.withApp((app) =>
    app.get(TenantsService).create({
      slug: DEMO_TENANT,
      name: 'Demo',
      adminUsername: DEMO_ADMIN,
      adminPassword: cli.config.demo.adminPassword,
      adminDisplayName: 'Demo Administrator',
    }),
  );
  process.stdout.write(
    result.created
      ? `seed: tenant ${DEMO_TENANT} created; log in as ${DEMO_ADMIN} (password from DEMO_ADMIN_PASSWORD)\n`
      : `seed: tenant ${DEMO_TENANT} exists; nothing to do\n`,
  );
});
