import { Injectable } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import { type AccessPolicy, applyDataScope, type AuthenticatedUser, isInScope, RolePolicyStore, type RoleRules } from '@fieldforce/auth';
import { grantsAction, isUnderOrgPath } from '@fieldforce/contracts';
import { IdempotentWrites } from '@fieldforce/persistence';
import { CommonException, type IdempotencyKeyHeader } from '@fieldforce/platform';
import { CustomerAssignments } from '../customers/customer-assignments';
import { CustomerOwners } from '../customers/customer-owners';
import { CUSTOMER, idempotentRequest } from '../customers/customer-writes';
import { CustomerException } from '../customers/customers.exception';
import { Customer } from '../customers/entities/customer.entity';
import { assertValidLocation, type LatLng } from '../geo/geo';
import { Territory } from '../territories/entities/territory.entity';
import { DirectoryUser } from '../users/entities/directory-user.entity';
import { type PlanCustomer, planAssignment, type PlanRep } from './assignment-strategies';
import { type AssignCustomersDto, type AssignResult } from './dto/assign-customers.dto';
import { type AutoAssignDto, type AutoAssignResult, type HomeBaseResponse } from './dto/auto-assign.dto';
import { RepHomeBase } from './entities/rep-home-base.entity';

/** Most customers one auto-assignment considers; a larger scope must be split. */
export const AUTO_ASSIGN_MAX_CUSTOMERS = 50_000;

/**
 * Whether a role's holders take customers in auto-assignment: a role that keeps them to their own
 * records and lets them read customers — the built-in `rep`, and any tenant-defined role shaped like it.
 */
export function isRepRole(role: RoleRules): boolean {
  return role.scope === 'own' && grantsAction(role.actions, 'customer:read');
}

/** Who owns which customers: manual bulk assignment and the automatic strategies. */
@Injectable()
export class AssignmentService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly writes: IdempotentWrites,
    private readonly owners: CustomerOwners,
    private readonly assignments: CustomerAssignments,
    private readonly policies: RolePolicyStore,
  ) {}

  /**
   * Gives the listed customers (all in the user's scope, else 404 naming the missing ones and
   * nothing changes) to `ownerId`, an active user in the user's scope (else 422). Each customer
   * that changes owner takes the owner's org path and publishes `assigned`; those already theirs
   * are reported unchanged.
   */
  async assign(user: AuthenticatedUser, policy: AccessPolicy, input: AssignCustomersDto, idempotency?: IdempotencyKeyHeader): Promise<AssignResult> {
    policy.assertWritable(CUSTOMER, { ownerId: input.ownerId });
    const orgPath = await this.owners.orgPathOf(user, input.ownerId);
    const ids = [...new Set(input.customerIds)];
    const { result } = await this.writes.run(idempotentRequest(user, idempotency), async (manager) => {
      const query = manager.getRepository(Customer).createQueryBuilder('customer').where('customer.id IN (:...ids)', { ids });
      const found = await applyDataScope(query, user).setLock('pessimistic_write').getMany();
      const missing = ids.filter((id) => !found.some((customer) => customer.id === id));
      if (missing.length > 0) throw CustomerException.notFoundAmong(missing);
      const moving = found.filter((customer) => customer.ownerId !== input.ownerId);
      const applied = await this.assignments.move(
        manager,
        user.tenantId,
        moving.map((customer) => ({ customerId: customer.id, fromOwnerId: customer.ownerId, toOwnerId: input.ownerId, toOrgPath: orgPath })),
        user.rank,
      );
      const moved = new Map(applied.map((move) => [move.customer.id, move]));
      const stored = new Map(found.map((customer) => [customer.id, customer]));
      return {
        items: ids.map((id) => {
          const move = moved.get(id);
          if (move) return { id, outcome: 'assigned' as const, previousOwnerId: move.previousOwnerId, version: move.customer.version };
          const customer = stored.get(id)!;
          return { id, outcome: 'unchanged' as const, previousOwnerId: customer.ownerId, version: customer.version };
        }),
      };
    });
    return result;
  }

  /**
   * Plans owners for the customers of an org subtree (`scope`, within the user's; default the
   * user's unit, or the whole tenant for scope `all`) among its active reps, by the strategy (see
   * `planAssignment`); answers the moves and each rep's workload before and after. Unless
   * `dryRun`, applies the moves as one assignment (`assigned` events); a customer whose owner
   * changed since the plan was made is left alone.
   */
  async autoAssign(user: AuthenticatedUser, policy: AccessPolicy, input: AutoAssignDto, idempotency?: IdempotencyKeyHeader): Promise<AutoAssignResult> {
    policy.assertWritable(CUSTOMER, { ownerId: user.userId });
    const scope = this.scopeOf(user, input.scope);
    const [customers, reps] = await Promise.all([this.customersIn(user, scope), this.repsIn(user, scope)]);
    const territories = await this.territoriesOf(user.tenantId, scope);
    const plan = planAssignment(input.strategy, customers, reps, territories);
    const base = { strategy: input.strategy, dryRun: input.dryRun, ...plan };
    if (input.dryRun) return { ...base, applied: null };
    const pathOf = new Map(reps.map((rep) => [rep.id, rep.orgPath]));
    const { result } = await this.writes.run(idempotentRequest(user, idempotency), async (manager) => {
      const applied = await this.assignments.move(
        manager,
        user.tenantId,
        plan.moves.map((move) => ({ ...move, toOrgPath: pathOf.get(move.toOwnerId)! })),
        user.rank,
      );
      return { ...base, applied: applied.length };
    });
    return result;
  }

  /** Sets the home base of a rep in the user's scope (the `nearest` strategy measures from it). */
  async setHomeBase(user: AuthenticatedUser, userId: string, location: LatLng): Promise<HomeBaseResponse> {
    assertValidLocation(location);
    await this.owners.orgPathOf(user, userId);
    await this.dataSource.getRepository(RepHomeBase).upsert(
      { tenantId: user.tenantId, userId, lat: location.lat, lng: location.lng, updatedAt: new Date() },
      ['tenantId', 'userId'],
    );
    return { userId, lat: location.lat, lng: location.lng };
  }

  /** The org subtree an auto-assignment covers; undefined for the whole tenant. */
  private scopeOf(user: AuthenticatedUser, requested: string | undefined): string | undefined {
    if (requested === undefined) return user.scope === 'all' ? undefined : user.orgPath;
    if (user.scope !== 'all' && !isUnderOrgPath(requested, user.orgPath)) {
      throw CommonException.validationFailed([{ field: 'scope', message: 'must be your org path or lie under it' }]);
    }
    return requested;
  }

  private async customersIn(user: AuthenticatedUser, scope: string | undefined): Promise<PlanCustomer[]> {
    const query = this.dataSource
      .getRepository(Customer)
      .createQueryBuilder('customer')
      .select(['customer.id', 'customer.lat', 'customer.lng', 'customer.grade', 'customer.ownerId', 'customer.orgPath']);
    applyDataScope(query, user);
    if (scope !== undefined) {
      query.andWhere('(customer.orgPath = :scope OR customer.orgPath LIKE :scopeLike)', { scope, scopeLike: `${escapeLike(scope)}.%` });
    }
    const customers = await query.orderBy('customer.id').limit(AUTO_ASSIGN_MAX_CUSTOMERS + 1).getMany();
    if (customers.length > AUTO_ASSIGN_MAX_CUSTOMERS) {
      throw CommonException.validationFailed([{ field: 'scope', message: `holds more than ${AUTO_ASSIGN_MAX_CUSTOMERS} customers; choose a narrower one` }]);
    }
    return customers.map((customer) => ({
      id: customer.id,
      location: customer.lat === null || customer.lng === null ? null : { lat: customer.lat, lng: customer.lng },
      grade: customer.grade,
      ownerId: customer.ownerId,
    }));
  }

  /** The active reps (users holding a rep role) under the scope that the user may give customers to, with their home bases. */
  private async repsIn(user: AuthenticatedUser, scope: string | undefined): Promise<PlanRep[]> {
    const repRoles = [...(await this.policies.rolesOf(user.tenantId)).values()].filter(isRepRole).map((role) => role.name);
    if (repRoles.length === 0) return [];
    const query = this.dataSource
      .getRepository(DirectoryUser)
      .createQueryBuilder('rep')
      .where('rep.tenantId = :tenantId AND rep.active AND rep.roles && :roles::text[]', { tenantId: user.tenantId, roles: repRoles });
    if (scope !== undefined) query.andWhere('(rep.orgPath = :scope OR rep.orgPath LIKE :scopeLike)', { scope, scopeLike: `${escapeLike(scope)}.%` });
    const reps = (await query.getMany()).filter((rep) => isInScope(user, { tenantId: rep.tenantId, ownerId: rep.id, orgPath: rep.orgPath }));
    const bases = await this.dataSource.getRepository(RepHomeBase).findBy({ tenantId: user.tenantId, userId: In(reps.map((rep) => rep.id)) });
    const baseOf = new Map(bases.map((base) => [base.userId, { lat: base.lat, lng: base.lng }]));
    return reps.map((rep) => ({ id: rep.id, orgPath: rep.orgPath, homeBase: baseOf.get(rep.id) ?? null }));
  }

  private async territoriesOf(tenantId: string, scope: string | undefined) {
    const query = this.dataSource.getRepository(Territory).createQueryBuilder('territory').where('territory.tenantId = :tenantId', { tenantId });
    if (scope !== undefined) {
      query.andWhere('(territory.orgPath = :scope OR territory.orgPath LIKE :scopeLike)', { scope, scopeLike: `${escapeLike(scope)}.%` });
    }
    const territories = await query.getMany();
    return territories.map(({ id, ownerId, orgPath, geometry }) => ({ id, ownerId, orgPath, geometry }));
  }
}

// Org path labels may contain `_`, a LIKE wildcard.
function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (char) => `\\${char}`);
}
