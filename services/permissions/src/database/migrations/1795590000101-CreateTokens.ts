import { type MigrationInterface, type QueryRunner } from 'typeorm';

/** Signing keys (JWKS, rotation), login sessions and their rotating refresh tokens. */
export class CreateTokens1795590000101 implements MigrationInterface {
  name = 'CreateTokens1795590000101';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE permissions.signing_keys (
        kid              text PRIMARY KEY,
        algorithm        text NOT NULL,
        public_jwk       jsonb NOT NULL,
        -- PKCS#8, encrypted with the key derived from SIGNING_KEY_ENCRYPTION_SECRET.
        private_key      text NOT NULL,
        created_at       timestamptz NOT NULL DEFAULT now(),
        -- Set when a newer key took over signing; the public key stays published until published_until.
        retired_at       timestamptz,
        published_until  timestamptz,
        CHECK ((retired_at IS NULL) = (published_until IS NULL))
      )`);

    await queryRunner.query(`
      CREATE TABLE permissions.sessions (
        id                 uuid PRIMARY KEY,
        tenant_id          uuid NOT NULL,
        user_id            uuid NOT NULL REFERENCES permissions.users (id),
        device_id          text NOT NULL,
        -- How the login authenticated (pwd, otp); refreshed tokens keep it.
        amr                text[] NOT NULL,
        created_at         timestamptz NOT NULL DEFAULT now(),
        last_refreshed_at  timestamptz,
        revoked_at         timestamptz,
        revoke_reason      text
      )`);
    await queryRunner.query(`CREATE INDEX sessions_live_user_idx ON permissions.sessions (user_id) WHERE revoked_at IS NULL`);

    // One family per session: every refresh rotates the token; a rotated token used again revokes the session.
    await queryRunner.query(`
      CREATE TABLE permissions.refresh_tokens (
        id          uuid PRIMARY KEY,
        session_id  uuid NOT NULL REFERENCES permissions.sessions (id) ON DELETE CASCADE,
        token_hash  bytea NOT NULL,
        created_at  timestamptz NOT NULL DEFAULT now(),
        expires_at  timestamptz NOT NULL,
        rotated_at  timestamptz,
        CONSTRAINT refresh_tokens_token_hash_key UNIQUE (token_hash)
      )`);
    await queryRunner.query(`CREATE INDEX refresh_tokens_session_idx ON permissions.refresh_tokens (session_id)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE permissions.refresh_tokens`);
    await queryRunner.query(`DROP TABLE permissions.sessions`);
    await queryRunner.query(`DROP TABLE permissions.signing_keys`);
  }
}
