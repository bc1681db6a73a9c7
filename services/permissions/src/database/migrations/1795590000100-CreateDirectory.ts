import { type MigrationInterface, type QueryRunner } from 'typeorm';

/** Tenants, their org-unit trees (ltree paths, GiST-indexed), roles and users. */
export class CreateDirectory1795590000100 implements MigrationInterface {
  name = 'CreateDirectory1795590000100';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE permissions.tenants (
        id          uuid PRIMARY KEY,
        slug        text NOT NULL CHECK (slug ~ '^[a-z0-9][a-z0-9-]{0,61}[a-z0-9]$'),
        name        text NOT NULL,
        created_at  timestamptz NOT NULL DEFAULT now(),
        updated_at  timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT tenants_slug_key UNIQUE (slug)
      )`);

    await queryRunner.query(`
      CREATE TABLE permissions.org_units (
        id          uuid PRIMARY KEY,
        tenant_id   uuid NOT NULL REFERENCES permissions.tenants (id),
        version     integer NOT NULL,
        created_at  timestamptz NOT NULL DEFAULT now(),
        updated_at  timestamptz NOT NULL DEFAULT now(),
        deleted_at  timestamptz,
        name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        parent_id   uuid REFERENCES permissions.org_units (id),
        path        ltree NOT NULL,
        -- The root alone has no parent, and its path is a single label.
        CHECK ((parent_id IS NULL) = (nlevel(path) = 1))
      )`);
    await queryRunner.query(`CREATE UNIQUE INDEX org_units_tenant_path_key ON permissions.org_units (tenant_id, path)`);
    await queryRunner.query(`CREATE UNIQUE INDEX org_units_tenant_root_key ON permissions.org_units (tenant_id) WHERE parent_id IS NULL`);
    await queryRunner.query(`CREATE INDEX org_units_tenant_parent_idx ON permissions.org_units (tenant_id, parent_id)`);
    // Labels embed the unit's id, so a path prefix names one tenant's subtree: "under this unit" is one GiST lookup.
    await queryRunner.query(`CREATE INDEX org_units_path_gist ON permissions.org_units USING gist (path)`);

    await queryRunner.query(`
      CREATE TABLE permissions.roles (
        id             uuid PRIMARY KEY,
        tenant_id      uuid NOT NULL REFERENCES permissions.tenants (id),
        version        integer NOT NULL,
        created_at     timestamptz NOT NULL DEFAULT now(),
        updated_at     timestamptz NOT NULL DEFAULT now(),
        deleted_at     timestamptz,
        name           text NOT NULL CHECK (name ~ '^[a-z][a-z0-9_]{0,62}$'),
        rank           integer NOT NULL CHECK (rank BETWEEN 0 AND 1000),
        scope          text NOT NULL CHECK (scope IN ('own', 'team', 'region', 'all')),
        requires_totp  boolean NOT NULL DEFAULT false,
        actions        text[] NOT NULL DEFAULT '{}'::text[],
        field_rules    jsonb NOT NULL DEFAULT '{}'::jsonb,
        built_in       boolean NOT NULL DEFAULT false
      )`);
    await queryRunner.query(`CREATE UNIQUE INDEX roles_tenant_name_key ON permissions.roles (tenant_id, name)`);

    await queryRunner.query(`
      CREATE TABLE permissions.users (
        id                   uuid PRIMARY KEY,
        tenant_id            uuid NOT NULL REFERENCES permissions.tenants (id),
        version              integer NOT NULL,
        created_at           timestamptz NOT NULL DEFAULT now(),
        updated_at           timestamptz NOT NULL DEFAULT now(),
        deleted_at           timestamptz,
        username             text NOT NULL CHECK (username = lower(username) AND length(username) BETWEEN 1 AND 100),
        display_name         text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 200),
        org_unit_id          uuid NOT NULL REFERENCES permissions.org_units (id),
        -- The unit's path, copied so that scope queries and events need no join; moves update it.
        org_path             ltree NOT NULL,
        roles                text[] NOT NULL DEFAULT '{}'::text[],
        active               boolean NOT NULL DEFAULT true,
        password_hash        text NOT NULL,
        -- TOTP secrets are encrypted (AES-256-GCM) like the signing keys.
        totp_secret          text,
        totp_pending_secret  text,
        totp_enabled         boolean NOT NULL DEFAULT false,
        -- Last accepted TOTP time step: a code is accepted once.
        totp_last_step       bigint,
        CHECK (NOT totp_enabled OR totp_secret IS NOT NULL)
      )`);
    await queryRunner.query(`CREATE UNIQUE INDEX users_tenant_username_key ON permissions.users (tenant_id, username)`);
    await queryRunner.query(`CREATE INDEX users_tenant_id_idx ON permissions.users (tenant_id, id)`);
    await queryRunner.query(`CREATE INDEX users_org_unit_idx ON permissions.users (org_unit_id)`);
    await queryRunner.query(`CREATE INDEX users_org_path_gist ON permissions.users USING gist (org_path)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE permissions.users`);
    await queryRunner.query(`DROP TABLE permissions.roles`);
    await queryRunner.query(`DROP TABLE permissions.org_units`);
    await queryRunner.query(`DROP TABLE permissions.tenants`);
  }
}
