import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { InjectConfig } from '@fieldforce/platform';
import { type CustomersConfig } from '../../config/customers.config';

/** How spatial queries run: PostGIS geography with its GiST index, or plain columns with a btree prefilter. */
export type SpatialBackend = 'postgis' | 'plain';

/**
 * Decides at start which spatial backend this process uses: PostGIS when the extension is installed
 * and the customers table has its geography column (the migration adds it only where PostGIS was
 * present), unless `SPATIAL_BACKEND` forces one. Both give the same results.
 */
@Injectable()
export class SpatialSupport implements OnModuleInit {
  private readonly logger = new Logger(SpatialSupport.name);
  private chosen: SpatialBackend | undefined;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectConfig() private readonly config: CustomersConfig,
  ) {}

  get backend(): SpatialBackend {
    if (!this.chosen) throw new Error('SpatialSupport is used before the module initialised');
    return this.chosen;
  }

  async onModuleInit(): Promise<void> {
    const setting = this.config.spatial.backend;
    if (setting === 'plain') {
      this.chosen = 'plain';
    } else {
      const available = await this.postgisReady();
      if (setting === 'postgis' && !available) {
        throw new Error('SPATIAL_BACKEND=postgis, but the database has no PostGIS or customers.customers has no geog column');
      }
      this.chosen = available ? 'postgis' : 'plain';
    }
    this.logger.log(`spatial queries use ${this.chosen === 'postgis' ? 'PostGIS' : 'plain SQL (bounding box + sphere distance)'}`);
  }

  private async postgisReady(): Promise<boolean> {
    const [row] = await this.dataSource.query<{ ready: boolean }[]>(`
      SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'postgis')
         AND EXISTS (SELECT 1 FROM information_schema.columns
                     WHERE table_schema = 'customers' AND table_name = 'customers' AND column_name = 'geog') AS ready`);
    return row?.ready === true;
  }
}
