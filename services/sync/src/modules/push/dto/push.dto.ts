import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMinSize, IsArray, IsIn, IsInt, IsObject, IsString, Length, Matches, Max, Min, ValidateNested } from 'class-validator';
import { MUTATION_OPS, type MutationOp } from '../owner-client';

// Visible ASCII: a client id becomes part of the owner's Idempotency-Key.
const CLIENT_ID = /^[\x21-\x7e]{1,128}$/;
const MAX_MUTATION_ID = Number.MAX_SAFE_INTEGER;

/** One change a device queued offline, numbered in its client's sequence. */
export class PushMutationDto {
  @ApiProperty({ minimum: 1, description: "The client's sequence number: 1, 2, 3… with no gaps" })
  @IsInt()
  @Min(1)
  @Max(MAX_MUTATION_ID)
  mutationId!: number;

  @ApiProperty({ example: 'customer', description: 'The kind of record; its owning service applies the mutation' })
  @IsString()
  @Length(1, 64)
  entity!: string;

  @ApiProperty({ format: 'uuid', description: 'The record id (devices create ids offline)' })
  @IsString()
  @Length(1, 128)
  entityId!: string;

  @ApiProperty({ enum: MUTATION_OPS })
  @IsIn(MUTATION_OPS)
  op!: MutationOp;

  @ApiProperty({ minimum: 0, description: 'The record version the device changed (0 for a create)' })
  @IsInt()
  @Min(0)
  @Max(2_147_483_647)
  baseVersion!: number;

  @ApiProperty({ type: 'object', additionalProperties: true, description: "The device's copy of the record at baseVersion" })
  @IsObject()
  base!: Record<string, unknown>;

  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The fields the device changed, with their new values' })
  @IsObject()
  changes!: Record<string, unknown>;
}

/** A device's queued mutations, oldest first, under its client id (one per device and user). */
export class PushDto {
  @ApiProperty({ example: '0b7e4a52-6f1c-4d0e-9a53-2f4a1c9e7d10', description: 'Chosen by the device, once per device and user' })
  @IsString()
  @Matches(CLIENT_ID, { message: 'clientId must be 1 to 128 visible ASCII characters' })
  clientId!: string;

  @ApiProperty({ type: [PushMutationDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ValidateNested({ each: true })
  @Type(() => PushMutationDto)
  mutations!: PushMutationDto[];
}
