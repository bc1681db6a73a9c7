import { isDeepStrictEqual } from 'node:util';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { applyDataScope, type AuthenticatedUser, isInScope } from '@fieldforce/auth';
import { uuidv7 } from '@fieldforce/contracts';
import { OutboxPublisher } from '@fieldforce/messaging';
import { type AggregateChanges, IdempotentWrites, updateVersioned } from '@fieldforce/persistence';
import { CommonException, DEFAULT_PAGE_SIZE, type IdempotencyKeyHeader } from '@fieldforce/platform';
import { CustomerOwners } from '../customers/customer-owners';
import { type ExpectedVersion, idempotentRequest } from '../customers/customer-writes';
import { decodeCursor, encodeCursor, filtersKey } from '../customers/list-cursor';
import { type AreaGeometry, assertValidGeometry, boxOf } from '../geo/geometry';
import { type CreateTerritoryDto, type ListTerritoriesQuery, type TerritoryPage, type TerritoryResponse, type UpdateTerritoryDto } from './dto/territory.dto';
import { OrgUnit } from './entities/org-unit.entity';
import { Territory } from './entities/territory.entity';
import { TerritoryException } from './territories.exception';
import { changedTerritoryFields, territoryEvent, toTerritoryState } from './territory-events';

const TERRITORY = 'territory';
/** What a `created` event lists as set. */
const CREATED_FIELDS = ['name', 'geometry', 'ownerId', 'orgUnitId', 'orgPath'];

/** Who a territory belongs to: a rep, or an org unit; with the org path it takes from them. */
interface Holder {
  ownerId: string | null;
  orgUnitId: string | null;
  orgPath: string;
}

// The event state without the deletion time: live territories only are answered.
function toResponse(territory: Territory): TerritoryResponse {
  const { deletedAt: _deletedAt, ...response } = toTerritoryState(territory);
  return response;
}

function shapeColumns(geometry: AreaGeometry): Pick<Territory, 'geometry' | 'minLat' | 'maxLat' | 'minLng' | 'maxLng'> {
  return { geometry, ...boxOf(geometry) };
}

/** Territories: areas whose customers go to a rep, or to the reps of an org unit (auto-assignment). */
@Injectable()
export class TerritoriesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly writes: IdempotentWrites,
    private readonly owners: CustomerOwners,
    private readonly outbox: OutboxPublisher,
  ) {}

  /**
   * Creates a territory for a rep (an active user in the user's scope) or an org unit (known and in
   * the user's scope); a geometry that is not a valid polygon or multipolygon is a 422 and nothing
   * is written. Replaying a create (same id, same content) answers the stored territory; a new
   * one publishes `territory.created`.
   */
  async create(user: AuthenticatedUser, input: CreateTerritoryDto, idempotency?: IdempotencyKeyHeader): Promise<TerritoryResponse> {
    const geometry = assertValidGeometry(input.geometry);
    const holder = await this.holderOf(user, input.ownerId, input.orgUnitId);
    const id = input.id ?? uuidv7();
    const { result } = await this.writes.run(idempotentRequest(user, idempotency), async (manager) => {
      const repository = manager.getRepository(Territory);
      const stored = await repository.findOne({ where: { id }, withDeleted: true });
      if (stored) {
        const same = stored.tenantId === user.tenantId && stored.deletedAt === null && stored.name === input.name &&
          stored.ownerId === holder.ownerId && stored.orgUnitId === holder.orgUnitId && isDeepStrictEqual(plain(stored.geometry), plain(geometry));
        if (!same) throw TerritoryException.alreadyExists(id);
        return toResponse(stored);
      }
      await repository.insert({ id, tenantId: user.tenantId, name: input.name, ...holder, ...shapeColumns(geometry) });
      const territory = await repository.findOneByOrFail({ id });
      await this.outbox.publishAll(manager, [territoryEvent('fieldforce.customers.territory.created.v1', territory, CREATED_FIELDS)]);
      return toResponse(territory);
    });
    return result;
  }

  /** A page of the territories in the user's data scope, by id. */
  async list(user: AuthenticatedUser, query: ListTerritoriesQuery): Promise<TerritoryPage> {
    const key = filtersKey({ resource: TERRITORY });
    const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor, key);
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const builder = applyDataScope(this.dataSource.getRepository(Territory).createQueryBuilder('territory'), user);
    if (after) builder.andWhere('territory.id > :afterId', { afterId: after.id });
    const rows = await builder.orderBy('territory.id', 'ASC').limit(limit + 1).getMany();
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return { items: page.map(toResponse), nextCursor: rows.length > limit && last ? encodeCursor({ id: last.id }, key) : null };
  }

  /** The territory if it is in the user's data scope (else not found). */
  async get(user: AuthenticatedUser, id: string): Promise<TerritoryResponse> {
    const territory = await this.scoped(this.dataSource.manager, user, id).getOne();
    if (!territory) throw TerritoryException.notFound(id);
    return toResponse(territory);
  }

  /**
   * Applies a partial update at the expected version (412 / 409 when stale, 428 without one) and
   * publishes `territory.updated` with what changed; an update that changes nothing answers the
   * territory as it is, without a new version or event.
   */
  async update(
    user: AuthenticatedUser,
    id: string,
    input: UpdateTerritoryDto,
    expected: ExpectedVersion | undefined,
    idempotency?: IdempotencyKeyHeader,
  ): Promise<TerritoryResponse> {
    if (!expected) throw CommonException.preconditionRequired(TERRITORY, id);
    const geometry = input.geometry === undefined ? undefined : assertValidGeometry(input.geometry);
    const holder =
      input.ownerId === undefined && input.orgUnitId === undefined ? undefined : await this.holderOf(user, input.ownerId, input.orgUnitId);
    const { result } = await this.writes.run(idempotentRequest(user, idempotency), async (manager) => {
      const current = await this.lockForWrite(manager, user, id, expected);
      const changes: Partial<Territory> = {
        ...(input.name === undefined ? {} : { name: input.name }),
        ...(geometry ? shapeColumns(geometry) : {}),
        ...holder,
      };
      const before = toTerritoryState(current);
      const { name, ownerId, orgUnitId, orgPath } = { ...before, ...changes };
      const changedFields = changedTerritoryFields(before, { ...before, name, ownerId, orgUnitId, orgPath, geometry: changes.geometry ?? before.geometry });
      if (changedFields.length === 0) return toResponse(current);
      const repository = manager.getRepository(Territory);
      const outcome = await updateVersioned(repository, current, changes as AggregateChanges<Territory>);
      if (outcome.outcome !== 'updated') throw new Error(`territory ${id} changed under its row lock (${outcome.outcome})`);
      const territory = await repository.findOneByOrFail({ id });
      await this.outbox.publishAll(manager, [territoryEvent('fieldforce.customers.territory.updated.v1', territory, changedFields)]);
      return toResponse(territory);
    });
    return result;
  }

  /** Soft-deletes a territory in the user's scope (checking the version when one is given) and publishes `territory.deleted` with its last state. */
  async delete(user: AuthenticatedUser, id: string, expected: ExpectedVersion | undefined, idempotency?: IdempotencyKeyHeader): Promise<void> {
    await this.writes.run(idempotentRequest(user, idempotency), async (manager) => {
      await this.lockForWrite(manager, user, id, expected);
      await manager.query('UPDATE customers.territories SET deleted_at = now(), updated_at = now(), version = version + 1 WHERE id = $1', [id]);
      const territory = await manager.getRepository(Territory).findOneOrFail({ where: { id }, withDeleted: true });
      await this.outbox.publishAll(manager, [territoryEvent('fieldforce.customers.territory.deleted.v1', territory, ['deletedAt'])]);
      return null;
    });
  }

  private scoped(manager: EntityManager, user: AuthenticatedUser, id: string) {
    return applyDataScope(manager.getRepository(Territory).createQueryBuilder('territory').where('territory.id = :id', { id }), user);
  }

  private async lockForWrite(manager: EntityManager, user: AuthenticatedUser, id: string, expected: ExpectedVersion | undefined): Promise<Territory> {
    const territory = await this.scoped(manager, user, id).setLock('pessimistic_write').getOne();
    if (!territory) throw TerritoryException.notFound(id);
    if (expected && territory.version !== expected.version) {
      throw expected.precondition
        ? CommonException.preconditionFailed(TERRITORY, id, `"${expected.version}"`)
        : CommonException.versionConflict(TERRITORY, id, expected.version);
    }
    return territory;
  }

  /** The rep or org unit a territory is given to, exactly one of them, with its org path. */
  private async holderOf(user: AuthenticatedUser, ownerId: string | undefined, orgUnitId: string | undefined): Promise<Holder> {
    if ((ownerId === undefined) === (orgUnitId === undefined)) {
      throw CommonException.validationFailed([{ field: 'ownerId', message: 'give either ownerId or orgUnitId' }]);
    }
    if (ownerId !== undefined) return { ownerId, orgUnitId: null, orgPath: await this.owners.orgPathOf(user, ownerId) };
    const unit = await this.dataSource.getRepository(OrgUnit).findOneBy({ id: orgUnitId, tenantId: user.tenantId });
    // The unit is in scope when a record at its path would be.
    if (!unit || !isInScope(user, { tenantId: unit.tenantId, orgPath: unit.path })) {
      throw TerritoryException.orgUnitUnknown(orgUnitId!);
    }
    return { ownerId: null, orgUnitId: unit.id, orgPath: unit.path };
  }
}

function plain(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value));
}
