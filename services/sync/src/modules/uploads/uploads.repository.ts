import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { type ScopeSubject, applyDataScope } from '@fieldforce/auth';
import { Upload } from './entities/upload.entity';
import { UploadSettings } from './entities/upload-settings.entity';

/** A new upload row, before it exists. */
export type NewUpload = Omit<Upload, 'offset' | 'status' | 'createdAt' | 'completedAt'>;

/** The SQL of uploads beyond plain repository calls: idempotent creation, status moves, scoped and open reads. */
@Injectable()
export class UploadsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private get uploads() {
    return this.dataSource.getRepository(Upload);
  }

  /**
   * Inserts the upload unless the user already has one under the same client upload id; returns
   * the row that holds that id either way and whether it is the new one (concurrent creations: one wins).
   */
  async insertOrFind(upload: NewUpload): Promise<{ upload: Upload; created: boolean }> {
    const inserted = await this.dataSource.query<unknown[]>(
      `INSERT INTO sync.uploads (id, tenant_id, user_id, org_path, client_upload_id, size, sha256, status,
                                 filename, content_type, entity, entity_id, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, 'uploading', $8, $9, $10, $11, $12)
       ON CONFLICT (tenant_id, user_id, client_upload_id) DO NOTHING
       RETURNING id`,
      [
        upload.id,
        upload.tenantId,
        upload.userId,
        upload.orgPath,
        upload.clientUploadId,
        upload.size,
        upload.sha256,
        upload.filename,
        upload.contentType,
        upload.entity,
        upload.entityId,
        upload.expiresAt,
      ],
    );
    const existing = await this.uploads.findOneByOrFail({
      tenantId: upload.tenantId,
      userId: upload.userId,
      clientUploadId: upload.clientUploadId,
    });
    return { upload: existing, created: inserted.length === 1 };
  }

  /** The user's own upload. */
  findOwn(subject: Pick<ScopeSubject, 'tenantId' | 'userId'>, id: string): Promise<Upload | null> {
    return this.uploads.findOneBy({ id, tenantId: subject.tenantId, userId: subject.userId });
  }

  /** An upload of the tenant, whoever uploaded it. */
  findInTenant(tenantId: string, id: string): Promise<Upload | null> {
    return this.uploads.findOneBy({ id, tenantId });
  }

  /** The upload if `viewer`'s data scope covers its uploader (owner = uploader, org path = the uploader's at upload time). */
  findVisible(viewer: ScopeSubject, id: string): Promise<Upload | null> {
    const query = this.uploads.createQueryBuilder('upload').where('upload.id = :id', { id });
    return applyDataScope(query, viewer, { columns: { ownerId: 'user_id' } }).getOne();
  }

  findById(id: string): Promise<Upload | null> {
    return this.uploads.findOneBy({ id });
  }

  /** Records the stored offset of an upload still uploading (never moves it back, never past the size). */
  async recordOffset(id: string, offset: number): Promise<void> {
    await this.dataSource.query(
      `UPDATE sync.uploads SET "offset" = LEAST(size, GREATEST("offset", $2)) WHERE id = $1 AND status = 'uploading'`,
      [id, offset],
    );
  }

  /** Moves an upload out of `uploading`; false when it was not uploading any more. */
  async finish(id: string, status: 'complete' | 'corrupt', at: Date): Promise<boolean> {
    // UPDATE answers [rows, affected count] through TypeORM's pg driver.
    const [, affected] = await this.dataSource.query<[unknown[], number]>(
      `UPDATE sync.uploads
          SET status = $2, "offset" = size, completed_at = CASE WHEN $2 = 'complete' THEN $3::timestamptz END
        WHERE id = $1 AND status = 'uploading'`,
      [id, status, at],
    );
    return affected === 1;
  }

  async delete(id: string): Promise<void> {
    await this.uploads.delete({ id });
  }

  /** Marks incomplete uploads past their expiry as expired; returns their ids (their bytes are to be removed). */
  async expireOverdue(now: Date, limit: number): Promise<string[]> {
    const [rows] = await this.dataSource.query<[{ id: string }[], number]>(
      `UPDATE sync.uploads SET status = 'expired'
        WHERE id IN (SELECT id FROM sync.uploads WHERE status = 'uploading' AND expires_at <= $1
                     ORDER BY expires_at LIMIT $2 FOR UPDATE SKIP LOCKED)
        RETURNING id`,
      [now, limit],
    );
    return rows.map((row) => row.id);
  }

  /** The user's uploads still uploading and not expired, oldest first. */
  openUploads(tenantId: string, userId: string, now: Date): Promise<Upload[]> {
    return this.uploads
      .createQueryBuilder('upload')
      .where('upload.tenant_id = :tenantId AND upload.user_id = :userId', { tenantId, userId })
      .andWhere(`upload.status = 'uploading' AND upload.expires_at > :now`, { now })
      .orderBy('upload.created_at', 'ASC')
      .addOrderBy('upload.id', 'ASC')
      .getMany();
  }

  async maxUploadBytes(tenantId: string): Promise<number | undefined> {
    return (await this.dataSource.getRepository(UploadSettings).findOneBy({ tenantId }))?.maxUploadBytes;
  }

  async setMaxUploadBytes(tenantId: string, maxUploadBytes: number): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO sync.upload_settings (tenant_id, max_upload_bytes, updated_at) VALUES ($1, $2, now())
       ON CONFLICT (tenant_id) DO UPDATE SET max_upload_bytes = EXCLUDED.max_upload_bytes, updated_at = now()`,
      [tenantId, maxUploadBytes],
    );
  }
}
