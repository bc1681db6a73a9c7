import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager, In } from 'typeorm';
import { type UserState } from '@fieldforce/contracts';
import { DirectoryUser } from './entities/directory-user.entity';

/** What applying a user event changed: the stored user, and the org path they had before (when it changed). */
export interface AppliedUser {
  user: DirectoryUser;
  previousOrgPath?: string;
}

/** The users of each tenant as the permissions service's user events describe them. */
@Injectable()
export class UsersReadModel {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Stores the user state an event carries, unless a newer version is already stored (events of
   * one user arrive in order, but a replayed topic starts over); undefined when it was older.
   */
  async apply(manager: EntityManager, state: UserState): Promise<AppliedUser | undefined> {
    const [previous] = await manager.query<{ org_path: string; version: number }[]>(
      'SELECT org_path, version FROM customers.users WHERE id = $1 FOR UPDATE',
      [state.id],
    );
    if (previous && previous.version >= state.version) return undefined;
    const user: DirectoryUser = {
      id: state.id,
      tenantId: state.tenantId,
      displayName: state.displayName,
      orgUnitId: state.orgUnitId,
      orgPath: state.orgPath,
      roles: state.roles,
      active: state.active,
      version: state.version,
      updatedAt: new Date(state.updatedAt),
    };
    await manager.getRepository(DirectoryUser).upsert(user, ['id']);
    return previous && previous.org_path !== state.orgPath ? { user, previousOrgPath: previous.org_path } : { user };
  }

  /** The tenant's user with this id, if the events told of them. */
  async find(tenantId: string, id: string, manager: EntityManager = this.dataSource.manager): Promise<DirectoryUser | undefined> {
    return (await manager.getRepository(DirectoryUser).findOneBy({ tenantId, id })) ?? undefined;
  }

  /** The tenant's users with these ids that the events told of, by id. */
  async findMany(tenantId: string, ids: readonly string[], manager: EntityManager = this.dataSource.manager): Promise<Map<string, DirectoryUser>> {
    if (ids.length === 0) return new Map();
    const users = await manager.getRepository(DirectoryUser).findBy({ tenantId, id: In([...new Set(ids)]) });
    return new Map(users.map((user) => [user.id, user]));
  }
}
