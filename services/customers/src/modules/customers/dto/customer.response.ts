import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CustomerContactDto, GeoPointDto } from './create-customer.dto';

/** A customer as REST returns it: the same state the customer events carry. */
export class CustomerResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) tenantId!: string;
  @ApiProperty() name!: string;
  @ApiProperty() grade!: string;
  @ApiPropertyOptional({ type: GeoPointDto, nullable: true }) location!: GeoPointDto | null;
  @ApiPropertyOptional({ nullable: true }) address!: string | null;
  @ApiProperty({ type: [CustomerContactDto] }) contacts!: CustomerContactDto[];
  @ApiProperty({ type: [String] }) tags!: string[];
  @ApiPropertyOptional({ nullable: true }) externalId!: string | null;
  @ApiPropertyOptional({ format: 'uuid', nullable: true }) ownerId!: string | null;
  @ApiPropertyOptional({ nullable: true }) orgPath!: string | null;
  @ApiPropertyOptional({ nullable: true }) creditLimit!: number | null;
  @ApiProperty({ type: 'object', additionalProperties: true }) customFields!: Record<string, unknown>;
  @ApiProperty() version!: number;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiPropertyOptional({ format: 'date-time', nullable: true }) deletedAt!: string | null;
}

/** A customer in a list; `distanceM` only in a `near` search. */
export class CustomerListItem extends CustomerResponse {
  @ApiPropertyOptional({ description: 'Metres from the `near` point' }) distanceM?: number;
}

/** A page of customers and the cursor of the next one (null on the last page). */
export class CustomerPage {
  @ApiProperty({ type: [CustomerListItem] }) items!: CustomerListItem[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}
