import { randomBytes, randomUUID } from 'node:crypto';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { generate } from 'otplib';
import { TenantsService } from '../../src/modules/tenants/tenants.service';

/** A tenant made for one test: its admin's credentials and the ids of what it started with. */
export interface TestTenant {
  id: string;
  slug: string;
  rootOrgUnitId: string;
  rootPath: string;
  admin: { id: string; username: string; password: string };
}

/** A fresh tenant (random slug) with its root unit, built-in roles and administrator. */
export async function createTestTenant(app: NestFastifyApplication): Promise<TestTenant> {
  const slug = `t-${randomBytes(6).toString('hex')}`;
  const password = `pw-${randomUUID()}`;
  const result = await app.get(TenantsService).create({ slug, adminUsername: 'admin', adminPassword: password });
  if (!result.created || !result.rootOrgUnit || !result.admin) throw new Error(`tenant ${slug} was not created`);
  return {
    id: result.tenant.id,
    slug,
    rootOrgUnitId: result.rootOrgUnit.id,
    rootPath: result.rootOrgUnit.path,
    admin: { id: result.admin.id, username: 'admin', password },
  };
}

/** A distinct client address per call, so login limits per IP never mix tests up. */
export function randomIp(): string {
  const bytes = randomBytes(3);
  return `10.${bytes[0]}.${bytes[1]}.${bytes[2]}`;
}

/** A TOTP code for the time step `stepsAhead` steps from now (the server accepts one step of drift). */
export function totpCode(secret: string, stepsAhead = 0): Promise<string> {
  return generate({ secret, epoch: Math.floor(Date.now() / 1000) + stepsAhead * 30 });
}
