import { Column, Entity, PrimaryColumn } from 'typeorm';

export const UPLOAD_STATUSES = ['uploading', 'complete', 'corrupt', 'expired'] as const;
export type UploadStatus = (typeof UPLOAD_STATUSES)[number];

// pg returns bigint as a string; upload sizes fit a double exactly.
const bigintToNumber = {
  to: (value: number | undefined) => value,
  from: (value: string) => Number(value),
};

/** A resumable upload of one user: its declared size and sha256, how far it got, and what it is for. */
@Entity({ name: 'uploads' })
export class Upload {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('uuid')
  tenantId!: string;

  /** The uploader. */
  @Column('uuid')
  userId!: string;

  /** The uploader's org path when the upload was created: who may download it follows from it. */
  @Column('text')
  orgPath!: string;

  /** The device's own id of the upload; unique per tenant and user, so a repeated creation finds the first. */
  @Column('text')
  clientUploadId!: string;

  @Column('bigint', { transformer: bigintToNumber })
  size!: number;

  /** Bytes stored so far, as of the last request that wrote to it. */
  @Column('bigint', { transformer: bigintToNumber })
  offset!: number;

  /** Lower-case hex SHA-256 of the whole file, declared at creation and checked on the last byte. */
  @Column('text')
  sha256!: string;

  @Column('text')
  status!: UploadStatus;

  @Column('text', { nullable: true })
  filename!: string | null;

  @Column('text', { nullable: true })
  contentType!: string | null;

  /** What the file is for (`check-in`, `visit-report`, …) and that record's id, as the device declared them. */
  @Column('text', { nullable: true })
  entity!: string | null;

  @Column('text', { nullable: true })
  entityId!: string | null;

  @Column('timestamptz')
  createdAt!: Date;

  @Column('timestamptz', { nullable: true })
  completedAt!: Date | null;

  /** An upload still incomplete at this time expires (410, content removed). */
  @Column('timestamptz')
  expiresAt!: Date;
}
