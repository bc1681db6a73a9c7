import { Column, Entity, PrimaryColumn } from 'typeorm';
import { type CustomerSettingsState } from '@fieldforce/contracts';
import { type CustomFieldDefinition } from '../custom-fields';

/** A tenant's customer settings; a tenant without a row has the defaults. */
@Entity({ name: 'tenant_settings' })
export class CustomerSettings {
  @PrimaryColumn('uuid')
  tenantId!: string;

  /** Highest first; a customer created without a grade takes the last. */
  @Column('text', { array: true })
  grades!: string[];

  @Column('jsonb', { default: () => `'[]'::jsonb` })
  customFields!: CustomFieldDefinition[];

  @Column('text', { default: 'rank' })
  conflictPolicy!: CustomerSettingsState['conflictPolicy'];

  @Column('integer')
  version!: number;

  @Column('timestamptz')
  updatedAt!: Date;
}
