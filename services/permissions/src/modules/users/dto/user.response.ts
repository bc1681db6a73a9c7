import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** A user as REST answers it: the same state the user events carry. */
export class UserResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) tenantId!: string;
  @ApiProperty({ example: 'mara.lind' }) username!: string;
  @ApiProperty({ example: 'Mara Lind' }) displayName!: string;
  @ApiProperty({ format: 'uuid' }) orgUnitId!: string;
  @ApiProperty({ description: "The org unit's path" }) orgPath!: string;
  @ApiProperty({ type: [String], example: ['rep'] }) roles!: string[];
  @ApiProperty() active!: boolean;
  @ApiProperty() totpEnabled!: boolean;
  @ApiProperty() version!: number;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class UserPageResponse {
  @ApiProperty({ type: [UserResponse] }) items!: UserResponse[];
  @ApiPropertyOptional({ nullable: true }) nextCursor!: string | null;
}

export class RevokedSessionsResponse {
  @ApiProperty({ description: 'How many live sessions ended' }) revokedSessions!: number;
}
