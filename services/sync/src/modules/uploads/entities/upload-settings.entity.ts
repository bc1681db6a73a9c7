import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A tenant's own upload limit; tenants without a row get SYNC_UPLOAD_MAX_BYTES. */
@Entity({ name: 'upload_settings' })
export class UploadSettings {
  @PrimaryColumn('uuid')
  tenantId!: string;

  @Column('bigint', { transformer: { to: (value: number) => value, from: (value: string) => Number(value) } })
  maxUploadBytes!: number;

  @Column('timestamptz')
  updatedAt!: Date;
}
