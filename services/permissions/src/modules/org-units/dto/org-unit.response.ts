import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class OrgUnitResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) tenantId!: string;
  @ApiProperty({ example: 'Berlin North' }) name!: string;
  @ApiPropertyOptional({ format: 'uuid', nullable: true, description: 'Null for the root' }) parentId!: string | null;
  @ApiProperty({ description: 'ltree path from the root; the org path of users and their records' }) path!: string;
  @ApiProperty() version!: number;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class OrgUnitPageResponse {
  @ApiProperty({ type: [OrgUnitResponse] }) items!: OrgUnitResponse[];
  @ApiPropertyOptional({ nullable: true }) nextCursor!: string | null;
}
