// What global setup hands to global teardown; both run in jest's parent process.

export interface TestRunState {
  runId: string;
  database: string;
  /** Admin URL of the maintenance database, from which the run's databases are dropped. */
  maintenanceUrl: string;
  redisUrl: string;
  redisKeyPrefix: string;
  stopBroker?: () => Promise<void>;
  /** Set on the Docker path (TESTCONTAINERS=1): stops PostGIS, Redis and Kafka. */
  stopContainers?: () => Promise<void>;
}

const KEY = '__fieldforceTestRun';

export function saveRunState(state: TestRunState): void {
  (globalThis as Record<string, unknown>)[KEY] = state;
}

export function loadRunState(): TestRunState | undefined {
  return (globalThis as Record<string, unknown>)[KEY] as TestRunState | undefined;
}
