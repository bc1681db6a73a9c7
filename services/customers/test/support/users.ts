import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { RolePolicyStore } from '@fieldforce/auth';
import { type OrgUnitState, type RolePolicy, type UserState } from '@fieldforce/contracts';
import { OwnerMovesSubscriber } from '../../src/modules/customers/owner-moves.subscriber';
import { TerritoryPathsSubscriber } from '../../src/modules/territories/territory-paths.subscriber';

/**
 * Tells the service about users as their user events would, through the same handler the
 * consumer runs (without the broker round trip, which users-read-model.int-spec covers).
 */
export async function seedUsers(app: NestFastifyApplication, users: readonly UserState[]): Promise<void> {
  const subscriber = app.get(OwnerMovesSubscriber);
  await app.get(DataSource).transaction(async (manager) => {
    for (const user of users) await subscriber.apply(manager, user);
  });
}

/** Stores tenant role policies as their role events would (call before the tenant's first request: policies are cached). */
export async function seedRoles(app: NestFastifyApplication, roles: readonly RolePolicy[]): Promise<void> {
  const store = app.get(RolePolicyStore);
  await app.get(DataSource).transaction(async (manager) => {
    for (const role of roles) await store.apply(manager, role);
  });
}

/** Tells the service about org units as their org-unit events would, through the consumer's handler. */
export async function seedOrgUnits(app: NestFastifyApplication, units: readonly OrgUnitState[]): Promise<void> {
  const subscriber = app.get(TerritoryPathsSubscriber);
  await app.get(DataSource).transaction(async (manager) => {
    for (const unit of units) await subscriber.applyOrgUnit(manager, unit);
  });
}
