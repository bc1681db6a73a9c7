import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { plainToInstance } from 'class-transformer';
import { IsIn, IsInt, IsObject, IsOptional, IsUUID, Max, Min, validateSync } from 'class-validator';
import { type FieldConflict } from '@fieldforce/merge';
import { CommonException } from '../errors/common.exception';
import { type ProblemDetails } from '../errors/problem-details.filter';
import { toFieldErrors } from '../errors/validation';
import { type IdempotencyKeyHeader } from '../http/idempotency-key';

export const MUTATION_OPS = ['create', 'update', 'delete'] as const;
export type MutationOp = (typeof MUTATION_OPS)[number];

/** Applied as sent; merged with conflicts decided by the owner's policy; rejected (final, with the reason where there is one). */
export const MUTATION_STATUSES = ['applied', 'merged', 'rejected'] as const;
export type MutationStatus = (typeof MUTATION_STATUSES)[number];

/** The fields of a mutation envelope, whatever its entity. */
export interface MutationEnvelope<E extends string = string> {
  entity: E;
  entityId: string;
  op: MutationOp;
  baseVersion?: number;
  base?: Record<string, unknown>;
  changes?: Record<string, unknown>;
}

/**
 * The body of an owner's `POST /internal/v1/mutations` for the given entities: one offline change
 * of a device as sync forwards it (which record, the version and copy the change was made on, the
 * fields it changed), validated by the global pipe. Extend it: `class XMutationDto extends MutationEnvelopeDto(['x']) {}`.
 */
export function MutationEnvelopeDto<const E extends string>(entities: readonly E[]) {
  class MutationEnvelopeBody implements MutationEnvelope<E> {
    @ApiProperty({ enum: entities })
    @IsIn(entities)
    entity!: E;

    @ApiProperty({ format: 'uuid', description: 'The record; for a create, the id the device chose' })
    @IsUUID()
    entityId!: string;

    @ApiProperty({ enum: MUTATION_OPS })
    @IsIn(MUTATION_OPS)
    op!: MutationOp;

    @ApiPropertyOptional({ minimum: 0, description: 'The version the device changed (0 or absent for a create)' })
    @IsOptional()
    @IsInt()
    @Min(0)
    @Max(2_147_483_647)
    baseVersion?: number;

    @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'The device\'s copy at baseVersion; only reported back in conflicts' })
    @IsOptional()
    @IsObject()
    base?: Record<string, unknown>;

    @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'The fields changed, as in the matching REST write; none for a delete' })
    @IsOptional()
    @IsObject()
    changes?: Record<string, unknown>;
  }
  return MutationEnvelopeBody;
}

/** An owner's 200 answer to a mutation: the record as the user may read it now, and the conflicts decided. */
export interface MutationResult<T = Record<string, unknown>> {
  status: MutationStatus;
  version: number;
  conflicts?: FieldConflict[];
  data: T;
  /** Why a `rejected` mutation was refused, when the owner answers it with 200 rather than a 4xx. */
  problem?: ProblemDetails;
}

/** `changes` as the DTO of the matching REST write: 400 naming each bad `changes.<field>`. */
export function changesAs<T extends object>(dto: new () => T, changes: Record<string, unknown>): T {
  const instance = plainToInstance(dto, changes);
  const errors = toFieldErrors(validateSync(instance, { whitelist: true, forbidNonWhitelisted: true }), 'changes');
  if (errors.length > 0) throw CommonException.validationFailed(errors);
  return instance;
}

/** The mutation's `Idempotency-Key` (`<clientId>:<mutationId>`), which an owner requires: 400 without it. */
export function requireMutationKey(idempotency: IdempotencyKeyHeader | undefined): IdempotencyKeyHeader {
  if (!idempotency) throw CommonException.validationFailed([{ field: 'Idempotency-Key', message: 'is required: <clientId>:<mutationId>' }]);
  return idempotency;
}
