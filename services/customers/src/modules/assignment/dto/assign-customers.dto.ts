import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsUUID } from 'class-validator';

/** Most customers one manual assignment moves. */
export const MAX_ASSIGN_CUSTOMERS = 1_000;

export class AssignCustomersDto {
  @ApiProperty({ type: [String], format: 'uuid', maxItems: MAX_ASSIGN_CUSTOMERS })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_ASSIGN_CUSTOMERS)
  @IsUUID(undefined, { each: true })
  customerIds!: string[];

  @ApiProperty({ format: 'uuid', description: 'The new owner: an active user within your data scope' })
  @IsUUID()
  ownerId!: string;
}

export const ASSIGN_OUTCOMES = ['assigned', 'unchanged'] as const;
export type AssignOutcome = (typeof ASSIGN_OUTCOMES)[number];

export class AssignedCustomer {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: ASSIGN_OUTCOMES, description: 'unchanged: the customer had that owner already' }) outcome!: AssignOutcome;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) previousOwnerId!: string | null;
  @ApiProperty() version!: number;
}

export class AssignResult {
  @ApiProperty({ type: [AssignedCustomer] }) items!: AssignedCustomer[];
}
