import { ApiProperty, ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsString, Length } from 'class-validator';
import { type CustomerState } from '@fieldforce/contracts';
import { type FieldError } from '@fieldforce/platform';
import { CreateCustomerDto } from './create-customer.dto';
import { CustomerResponse } from './customer.response';

/** Most rows one import takes. */
export const MAX_IMPORT_ROWS = 5_000;

/**
 * One row of an import: the fields of a create, keyed by the customer's CRM/ERP id (required here).
 * A new externalId creates a customer (absent fields take the create defaults); a known one updates
 * the fields the row carries and keeps the rest.
 */
export class ImportCustomerRow extends OmitType(CreateCustomerDto, ['id', 'externalId'] as const) {
  @ApiProperty({ example: 'CRM-100234' })
  @IsString()
  @Length(1, 100)
  externalId!: string;
}

export class ImportCustomersDto {
  @ApiProperty({
    type: [ImportCustomerRow],
    maxItems: MAX_IMPORT_ROWS,
    description: 'Each row is checked on its own: a bad row is reported and the others still apply',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_IMPORT_ROWS)
  rows!: unknown[];
}

export const IMPORT_OUTCOMES = ['created', 'updated', 'unchanged', 'error'] as const;
export type ImportOutcome = (typeof IMPORT_OUTCOMES)[number];

/** What became of one row. */
export interface ImportRowResult {
  /** Position of the row in the request, from 0. */
  row: number;
  externalId: string | null;
  outcome: ImportOutcome;
  /** The customer after the import, without the fields the user may not read (not for an error). */
  customer?: CustomerState;
  /** Why the row was not applied (only for an error). */
  errors?: FieldError[];
}

export class ImportRowResultResponse {
  @ApiProperty() row!: number;
  @ApiProperty({ type: String, nullable: true }) externalId!: string | null;
  @ApiProperty({ enum: IMPORT_OUTCOMES }) outcome!: ImportOutcome;
  @ApiPropertyOptional({ type: CustomerResponse }) customer?: CustomerResponse;
  @ApiPropertyOptional({ type: 'array', items: { type: 'object', properties: { field: { type: 'string' }, message: { type: 'string' } } } })
  errors?: FieldError[];
}

export class ImportSummary {
  @ApiProperty() created!: number;
  @ApiProperty() updated!: number;
  @ApiProperty() unchanged!: number;
  @ApiProperty() error!: number;
}

/** The outcome of an import: counts, and one result per row in request order. */
export class ImportResultResponse {
  @ApiProperty({ type: ImportSummary }) summary!: ImportSummary;
  @ApiProperty({ type: [ImportRowResultResponse] }) rows!: ImportRowResultResponse[];
}
