import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { AUDITED_ENTITIES, type AuditedEntity } from '../entities/audit-entry.entity';

export class AuditEntryResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiPropertyOptional({ format: 'uuid', nullable: true, description: 'Null when the platform made the change' }) actorId!: string | null;
  @ApiProperty({ enum: AUDITED_ENTITIES }) entity!: AuditedEntity;
  @ApiProperty({ format: 'uuid' }) entityId!: string;
  @ApiProperty({ example: 'roles-changed' }) action!: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, nullable: true }) before!: Record<string, unknown> | null;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, nullable: true }) after!: Record<string, unknown> | null;
  @ApiPropertyOptional({ nullable: true }) requestId!: string | null;
  @ApiProperty({ format: 'date-time' }) recordedAt!: string;
}

export class AuditPageResponse {
  @ApiProperty({ type: [AuditEntryResponse] }) items!: AuditEntryResponse[];
  @ApiPropertyOptional({ nullable: true }) nextCursor!: string | null;
}
