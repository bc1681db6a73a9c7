import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { DATA_SCOPES, type DataScope, type FieldRule } from '@fieldforce/contracts';

/** A role's policy: the same state the role events carry. */
export class RoleResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) tenantId!: string;
  @ApiProperty({ example: 'rep' }) name!: string;
  @ApiProperty({ example: 10 }) rank!: number;
  @ApiProperty({ enum: DATA_SCOPES }) scope!: DataScope;
  @ApiProperty() requiresTotp!: boolean;
  @ApiProperty({ type: [String] }) actions!: string[];
  @ApiProperty({ type: 'object', additionalProperties: true }) fieldRules!: Record<string, FieldRule>;
  @ApiProperty() version!: number;
  @ApiProperty() builtIn!: boolean;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class RolePageResponse {
  @ApiProperty({ type: [RoleResponse] }) items!: RoleResponse[];
  @ApiPropertyOptional({ nullable: true }) nextCursor!: string | null;
}
