import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsObject, IsOptional, IsUUID, Max, Min } from 'class-validator';
import { type FieldConflict } from '@fieldforce/merge';
import { type CustomerState } from '@fieldforce/contracts';
import { CustomerResponse } from '../../customers/dto/customer.response';
import { type WriteStatus } from '../../customers/customer-writes';

export const MUTATION_ENTITIES = ['customer'] as const;
export const MUTATION_OPS = ['create', 'update', 'delete'] as const;
export type MutationOp = (typeof MUTATION_OPS)[number];

/**
 * One offline change of a device, as the sync service forwards it: which record, the version and
 * copy of it the change was made on, and the fields it changed.
 */
export class CustomerMutationDto {
  @ApiProperty({ enum: MUTATION_ENTITIES })
  @IsIn(MUTATION_ENTITIES)
  entity!: (typeof MUTATION_ENTITIES)[number];

  @ApiProperty({ format: 'uuid', description: 'The customer; for a create, the id the device chose' })
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

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'The fields changed, as in POST (create) or PATCH (update) /customers; none for a delete' })
  @IsOptional()
  @IsObject()
  changes?: Record<string, unknown>;
}

/** What became of a mutation: the customer as the user may read it now, and the conflicts decided. */
export interface MutationResult {
  status: WriteStatus;
  version: number;
  conflicts?: FieldConflict[];
  data: CustomerState;
}

export class FieldConflictResponse {
  @ApiProperty() field!: string;
  @ApiProperty({ nullable: true }) base!: unknown;
  @ApiProperty({ nullable: true }) server!: unknown;
  @ApiProperty({ nullable: true }) client!: unknown;
  @ApiProperty({ enum: ['client', 'server'] }) winner!: 'client' | 'server';
  @ApiProperty({ enum: ['rank', 'arrival-order', 'server-wins', 'client-wins'] }) rule!: FieldConflict['rule'];
  @ApiProperty() serverRank!: number;
  @ApiProperty() clientRank!: number;
}

export class MutationResultResponse {
  @ApiProperty({ enum: ['applied', 'merged', 'rejected'] }) status!: WriteStatus;
  @ApiProperty() version!: number;
  @ApiPropertyOptional({ type: [FieldConflictResponse] }) conflicts?: FieldConflictResponse[];
  @ApiProperty({ type: CustomerResponse }) data!: CustomerResponse;
}
