import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { type OrgUnitState, type RolePolicy, type UserState, uuidv7 } from '@fieldforce/contracts';
import { systemActor } from '../../common/actor';
import { violatedUniqueConstraint } from '../../common/database-errors';
import { OrgUnitsService } from '../org-units/org-units.service';
import { RolesService } from '../roles/roles.service';
import { UsersService } from '../users/users.service';
import { Tenant } from './entities/tenant.entity';

const SLUG_KEY = 'tenants_slug_key';
/** Tenant slugs: lower-case letters, digits and inner dashes, 2-63 characters. */
export const TENANT_SLUG_REGEX = /^[a-z0-9][a-z0-9-]{0,61}[a-z0-9]$/;

export interface NewTenant {
  slug: string;
  /** Display name; also the root org unit's name. Defaults to the slug. */
  name?: string;
  adminUsername: string;
  adminPassword: string;
  adminDisplayName?: string;
}

/** What tenant creation made, or found: everything a new tenant starts with. */
export interface CreatedTenant {
  tenant: { id: string; slug: string; name: string };
  created: boolean;
  rootOrgUnit?: OrgUnitState;
  roles?: RolePolicy[];
  admin?: UserState;
}

/** Creates tenants with what each starts with: the root org unit, the built-in roles and an administrator. */
@Injectable()
export class TenantsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly roles: RolesService,
    private readonly orgUnits: OrgUnitsService,
    private readonly users: UsersService,
  ) {}

  /**
   * Creates the tenant in one transaction (every event of it through the outbox). A tenant whose
   * slug exists is left untouched and answered with `created: false`, so seeding twice is harmless.
   */
  async create(input: NewTenant): Promise<CreatedTenant> {
    const existing = await this.findBySlug(input.slug);
    if (existing) return { tenant: existing, created: false };
    const name = input.name ?? input.slug;
    try {
      return await this.dataSource.transaction(async (manager) => {
        const tenant = { id: uuidv7(), slug: input.slug, name };
        await manager.getRepository(Tenant).insert(tenant);
        const actor = systemActor(tenant.id);
        const roles = await this.roles.createBuiltIns(manager, actor);
        const rootOrgUnit = await this.orgUnits.createRoot(manager, actor, name);
        const admin = await this.users.createInitial(manager, actor, {
          username: input.adminUsername,
          password: input.adminPassword,
          displayName: input.adminDisplayName ?? input.adminUsername,
          orgUnitId: rootOrgUnit.id,
          orgPath: rootOrgUnit.path,
          roles: ['admin'],
        });
        return { tenant, created: true, rootOrgUnit, roles, admin };
      });
    } catch (error) {
      // Another process created the same tenant meanwhile: theirs stands.
      const concurrent = violatedUniqueConstraint(error) === SLUG_KEY ? await this.findBySlug(input.slug) : null;
      if (concurrent) return { tenant: concurrent, created: false };
      throw error;
    }
  }

  /** The tenant with this slug, if any. */
  async findBySlug(slug: string): Promise<{ id: string; slug: string; name: string } | null> {
    const tenant = await this.dataSource.getRepository(Tenant).findOneBy({ slug });
    return tenant ? { id: tenant.id, slug: tenant.slug, name: tenant.name } : null;
  }
}
