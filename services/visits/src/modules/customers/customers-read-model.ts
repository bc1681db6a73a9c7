import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { type CustomerState } from '@fieldforce/contracts';
import { VisitCustomer } from './entities/visit-customer.entity';

/** What applying a customer event changed: the stored customer, and its owner before when the owner changed. */
export interface AppliedCustomer {
  customer: VisitCustomer;
  ownerChanged: boolean;
  previousOwnerId: string | null;
}

/** The customers of each tenant as the customers service's events describe them. */
@Injectable()
export class CustomersReadModel {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Stores the customer state an event carries, unless the same or a newer version is already
   * stored (a replayed or reordered feed); undefined when it was stale.
   */
  async apply(manager: EntityManager, state: CustomerState): Promise<AppliedCustomer | undefined> {
    const [previous] = await manager.query<{ owner_id: string | null; version: number }[]>(
      'SELECT owner_id, version FROM visits.customers WHERE id = $1 FOR UPDATE',
      [state.id],
    );
    if (previous && previous.version >= state.version) return undefined;
    const customer: VisitCustomer = {
      id: state.id,
      tenantId: state.tenantId,
      name: state.name,
      grade: state.grade,
      lat: state.location?.lat ?? null,
      lng: state.location?.lng ?? null,
      ownerId: state.ownerId,
      orgPath: state.orgPath,
      deletedAt: state.deletedAt === null ? null : new Date(state.deletedAt),
      version: state.version,
      updatedAt: new Date(state.updatedAt),
    };
    await manager.getRepository(VisitCustomer).upsert(customer, ['id']);
    const previousOwnerId = previous?.owner_id ?? null;
    return { customer, ownerChanged: previous !== undefined && previousOwnerId !== state.ownerId, previousOwnerId };
  }

  /** The tenant's customer with this id, if the events told of it (deleted ones included). */
  async find(tenantId: string, id: string, manager: EntityManager = this.dataSource.manager): Promise<VisitCustomer | undefined> {
    return (await manager.getRepository(VisitCustomer).findOneBy({ tenantId, id })) ?? undefined;
  }
}
