/** How long one dependency check may take before it counts as down. */
export const DEFAULT_HEALTH_TIMEOUT_MS = 1_500;

/** How long a Kafka cluster answer is reused, so frequent probes do not each open broker requests. */
export const KAFKA_HEALTH_CACHE_MS = 5_000;
