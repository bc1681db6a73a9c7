import { Injectable, type OnModuleInit } from '@nestjs/common';
import { type EntityManager, In } from 'typeorm';
import { aggregateEventTypes, type OrgUnitState } from '@fieldforce/contracts';
import { EventSubscriptions, OutboxPublisher, sameHandlerFor } from '@fieldforce/messaging';
import { OrgUnit } from './entities/org-unit.entity';
import { Territory } from './entities/territory.entity';
import { territoryEvent } from './territory-events';

/** Consumer name of the territory path feed; the group is `customers.territory-paths`. */
export const TERRITORY_PATHS_CONSUMER = 'territory-paths';

/**
 * Keeps the org units read model from the org-unit events, and each territory's org path in step
 * with its owner (user events) or its org unit (org-unit events), as customers follow their owners;
 * each territory that moves publishes `territory.updated` with changedFields `orgPath`.
 */
@Injectable()
export class TerritoryPathsSubscriber implements OnModuleInit {
  constructor(
    private readonly subscriptions: EventSubscriptions,
    private readonly outbox: OutboxPublisher,
  ) {}

  onModuleInit(): void {
    this.subscriptions.subscribe(TERRITORY_PATHS_CONSUMER, {
      ...sameHandlerFor(aggregateEventTypes('permissions', 'user'), async (event, manager) => {
        const { id, tenantId, orgPath } = event.data.user;
        await this.followPath(manager, 'owner_id', tenantId, id, orgPath);
      }),
      ...sameHandlerFor(aggregateEventTypes('permissions', 'org-unit'), (event, manager) => this.applyOrgUnit(manager, event.data.orgUnit)),
    });
  }

  /** Stores an org unit's state unless a newer one is stored, and moves its territories with it. */
  async applyOrgUnit(manager: EntityManager, state: OrgUnitState): Promise<void> {
    const [stored] = await manager.query<{ version: number }[]>('SELECT version FROM customers.org_units WHERE id = $1 FOR UPDATE', [state.id]);
    if (stored && stored.version >= state.version) return;
    await manager.getRepository(OrgUnit).upsert(
      { id: state.id, tenantId: state.tenantId, name: state.name, path: state.path, version: state.version, updatedAt: new Date(state.updatedAt) },
      ['id'],
    );
    await this.followPath(manager, 'org_unit_id', state.tenantId, state.id, state.path);
  }

  private async followPath(manager: EntityManager, column: 'owner_id' | 'org_unit_id', tenantId: string, id: string, path: string): Promise<void> {
    // An UPDATE answers [rows, count] through TypeORM.
    const [moved] = await manager.query<[{ id: string }[], number]>(
      `UPDATE customers.territories SET org_path = $3, version = version + 1, updated_at = now()
       WHERE tenant_id = $1 AND ${column} = $2 AND deleted_at IS NULL AND org_path <> $3
       RETURNING id`,
      [tenantId, id, path],
    );
    if (moved.length === 0) return;
    const territories = await manager.getRepository(Territory).findBy({ id: In(moved.map((row) => row.id)) });
    await this.outbox.publishAll(
      manager,
      territories.map((territory) => territoryEvent('fieldforce.customers.territory.updated.v1', territory, ['orgPath'])),
    );
  }
}
