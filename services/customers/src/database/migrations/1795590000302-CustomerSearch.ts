import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Indexes of the customer list: keyset pages per tenant, text search (pg_trgm), tags, owners, and
 * `near` — a PostGIS geography column with a GiST index where the server has PostGIS, and in any
 * case a btree on (tenant, lat, lng) for the plain-SQL bounding-box prefilter.
 */
export class CustomerSearch1795590000302 implements MigrationInterface {
  name = 'CustomerSearch1795590000302';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX customers_tenant_page_idx ON customers.customers (tenant_id, id) WHERE deleted_at IS NULL`);
    await queryRunner.query(`CREATE INDEX customers_tenant_owner_idx ON customers.customers (tenant_id, owner_id) WHERE deleted_at IS NULL`);
    // The expression must stay identical to the one the list query searches.
    await queryRunner.query(`
      CREATE INDEX customers_search_trgm_idx ON customers.customers
      USING gin ((name || ' ' || coalesce(address, '')) gin_trgm_ops) WHERE deleted_at IS NULL`);
    await queryRunner.query(`CREATE INDEX customers_tags_idx ON customers.customers USING gin (tags) WHERE deleted_at IS NULL`);
    await queryRunner.query(`
      CREATE INDEX customers_tenant_lat_lng_idx ON customers.customers (tenant_id, lat, lng)
      WHERE deleted_at IS NULL AND lat IS NOT NULL`);
    const postgis = ((await queryRunner.query(`SELECT 1 FROM pg_extension WHERE extname = 'postgis'`)) as unknown[]).length > 0;
    if (postgis) {
      await queryRunner.query(`
        ALTER TABLE customers.customers ADD COLUMN geog geography(Point, 4326)
        GENERATED ALWAYS AS (CASE WHEN lat IS NULL THEN NULL ELSE ST_SetSRID(ST_MakePoint(lng, lat), 4326)::geography END) STORED`);
      await queryRunner.query(`CREATE INDEX customers_geog_idx ON customers.customers USING gist (tenant_id, geog) WHERE deleted_at IS NULL`);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE customers.customers DROP COLUMN IF EXISTS geog`);
    for (const index of [
      'customers_tenant_lat_lng_idx',
      'customers_tags_idx',
      'customers_search_trgm_idx',
      'customers_tenant_owner_idx',
      'customers_tenant_page_idx',
    ]) {
      await queryRunner.query(`DROP INDEX customers.${index}`);
    }
  }
}
