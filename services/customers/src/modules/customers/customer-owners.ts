import { Injectable } from '@nestjs/common';
import { type EntityManager } from 'typeorm';
import { type AuthenticatedUser, isInScope } from '@fieldforce/auth';
import { UsersReadModel } from '../users/users-read-model';
import { CustomerException } from './customers.exception';

/**
 * Who may own the customers a user writes, and the org path each owner gives them: the user
 * themselves (their token's org path), or an active user of the tenant, known from the user
 * events, who lies in the user's data scope.
 */
@Injectable()
export class CustomerOwners {
  constructor(private readonly users: UsersReadModel) {}

  /** The org path of `ownerId`'s customers; 422 when `user` may not give customers to them. */
  async orgPathOf(user: AuthenticatedUser, ownerId: string, manager?: EntityManager): Promise<string> {
    const paths = await this.orgPathsOf(user, [ownerId], manager);
    const path = paths.get(ownerId);
    if (path === undefined) throw CustomerException.ownerUnknown(ownerId);
    return path;
  }

  /** The org paths of those of `ownerIds` that `user` may give customers to (others are absent). */
  async orgPathsOf(user: AuthenticatedUser, ownerIds: readonly string[], manager?: EntityManager): Promise<Map<string, string>> {
    const others = ownerIds.filter((id) => id !== user.userId);
    const known = await this.users.findMany(user.tenantId, others, manager);
    const paths = new Map<string, string>();
    if (ownerIds.includes(user.userId)) paths.set(user.userId, user.orgPath);
    for (const owner of known.values()) {
      if (owner.active && isInScope(user, { tenantId: owner.tenantId, ownerId: owner.id, orgPath: owner.orgPath })) {
        paths.set(owner.id, owner.orgPath);
      }
    }
    return paths;
  }
}
