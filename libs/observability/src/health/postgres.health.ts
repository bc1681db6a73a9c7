import { Inject, Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { type HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { DataSource } from 'typeorm';
import { OBSERVABILITY_OPTIONS, type ObservabilityOptions } from '../observability-options';
import { DEFAULT_HEALTH_TIMEOUT_MS } from './health-defaults';
import { errorMessage, withTimeout } from './with-timeout';

/** Up when the service's DataSource answers `SELECT 1`. */
@Injectable()
export class PostgresHealthIndicator {
  constructor(
    private readonly moduleRef: ModuleRef,
    private readonly indicators: HealthIndicatorService,
    @Inject(OBSERVABILITY_OPTIONS) private readonly options: ObservabilityOptions,
  ) {}

  async check(): Promise<HealthIndicatorResult> {
    const indicator = this.indicators.check('postgres');
    try {
      // Resolved at check time: the DataSource comes from the persistence module, which this lib does not import.
      const dataSource = this.moduleRef.get(DataSource, { strict: false });
      if (!dataSource.isInitialized) return indicator.down({ message: 'not connected' });
      await withTimeout(dataSource.query('SELECT 1'), this.timeoutMs(), 'postgres');
      return indicator.up();
    } catch (error) {
      return indicator.down({ message: errorMessage(error) });
    }
  }

  private timeoutMs(): number {
    return this.options.health?.timeoutMs ?? DEFAULT_HEALTH_TIMEOUT_MS;
  }
}
