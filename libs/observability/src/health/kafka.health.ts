import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { type HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { type Admin, Kafka, logLevel } from 'kafkajs';
import { InjectConfig, type ServiceConfig } from '@fieldforce/platform';
import { OBSERVABILITY_OPTIONS, type ObservabilityOptions } from '../observability-options';
import { DEFAULT_HEALTH_TIMEOUT_MS, KAFKA_HEALTH_CACHE_MS } from './health-defaults';
import { errorMessage, withTimeout } from './with-timeout';

interface ClusterState {
  checkedAt: number;
  up: boolean;
  detail: Record<string, unknown>;
}

/** Up when the brokers describe their cluster; the answer is cached for a few seconds. */
@Injectable()
export class KafkaHealthIndicator implements OnApplicationShutdown {
  private admin: Admin | undefined;
  private lastState: ClusterState | undefined;

  constructor(
    private readonly indicators: HealthIndicatorService,
    @InjectConfig() private readonly config: ServiceConfig,
    @Inject(OBSERVABILITY_OPTIONS) private readonly options: ObservabilityOptions,
  ) {}

  async check(): Promise<HealthIndicatorResult> {
    const state = await this.clusterState();
    const indicator = this.indicators.check('kafka');
    return state.up ? indicator.up(state.detail) : indicator.down(state.detail);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.dropAdmin();
  }

  private async clusterState(): Promise<ClusterState> {
    const now = Date.now();
    if (this.lastState !== undefined && now - this.lastState.checkedAt < KAFKA_HEALTH_CACHE_MS) {
      return this.lastState;
    }
    const timeoutMs = this.options.health?.timeoutMs ?? DEFAULT_HEALTH_TIMEOUT_MS;
    try {
      const admin = await this.connectedAdmin(timeoutMs);
      const cluster = await withTimeout(admin.describeCluster(), timeoutMs, 'kafka describeCluster');
      this.lastState = {
        checkedAt: now,
        up: true,
        detail: { brokers: cluster.brokers.length, controller: cluster.controller },
      };
    } catch (error) {
      await this.dropAdmin();
      this.lastState = { checkedAt: now, up: false, detail: { message: errorMessage(error) } };
    }
    return this.lastState;
  }

  private async connectedAdmin(timeoutMs: number): Promise<Admin> {
    if (this.admin !== undefined) return this.admin;
    const kafka = new Kafka({
      clientId: `${this.config.kafka.clientId}-health`,
      brokers: this.config.kafka.brokers,
      connectionTimeout: timeoutMs,
      requestTimeout: timeoutMs,
      retry: { retries: 0 },
      // A down broker is reported by the probe; kafkajs's own error lines would repeat it every few seconds.
      logLevel: logLevel.NOTHING,
    });
    const admin = kafka.admin();
    try {
      await withTimeout(admin.connect(), timeoutMs, 'kafka connect');
    } catch (error) {
      await admin.disconnect().catch(() => undefined);
      throw error;
    }
    this.admin = admin;
    return admin;
  }

  private async dropAdmin(): Promise<void> {
    const admin = this.admin;
    this.admin = undefined;
    await admin?.disconnect().catch(() => undefined);
  }
}
