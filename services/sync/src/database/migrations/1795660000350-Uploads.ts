import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Resumable uploads (services/sync/README.md): one row per tus upload with the uploader, the
 * declared size and sha256, the stored offset and the status, and the tenants' own size limits.
 * The bytes themselves live in the upload store (files or S3), keyed by the upload id.
 */
export class Uploads1795660000350 implements MigrationInterface {
  name = 'Uploads1795660000350';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE sync.uploads (
        id                uuid PRIMARY KEY,
        tenant_id         uuid NOT NULL,
        user_id           uuid NOT NULL,
        org_path          text NOT NULL,
        client_upload_id  text NOT NULL,
        size              bigint NOT NULL CHECK (size >= 0),
        "offset"          bigint NOT NULL DEFAULT 0 CHECK ("offset" >= 0 AND "offset" <= size),
        sha256            text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
        status            text NOT NULL CHECK (status IN ('uploading', 'complete', 'corrupt', 'expired')),
        filename          text,
        content_type      text,
        entity            text,
        entity_id         text,
        created_at        timestamptz NOT NULL DEFAULT now(),
        completed_at      timestamptz,
        expires_at        timestamptz NOT NULL,
        CONSTRAINT uploads_client_upload_id_key UNIQUE (tenant_id, user_id, client_upload_id),
        CHECK ((status = 'complete') = (completed_at IS NOT NULL))
      )`);
    // The open uploads of a user (sync status) and the expiry sweep.
    await queryRunner.query(`CREATE INDEX uploads_open_idx ON sync.uploads (tenant_id, user_id) WHERE status = 'uploading'`);
    await queryRunner.query(`CREATE INDEX uploads_expiry_idx ON sync.uploads (expires_at) WHERE status = 'uploading'`);
    await queryRunner.query(`
      CREATE TABLE sync.upload_settings (
        tenant_id         uuid PRIMARY KEY,
        max_upload_bytes  bigint NOT NULL CHECK (max_upload_bytes > 0),
        updated_at        timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE sync.upload_settings`);
    await queryRunner.query(`DROP TABLE sync.uploads`);
  }
}
