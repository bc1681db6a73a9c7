import { type Admin } from 'kafkajs';
import { dlqTopic, isDlqTopic } from '@fieldforce/contracts';

export interface TopicProvisioningOptions {
  partitions: number;
  replicationFactor: number;
}

/** Creates the missing topics and their `.dlq` topics; another instance creating them at the same moment is fine. */
export async function ensureTopics(
  admin: Admin,
  topics: readonly string[],
  options: TopicProvisioningOptions,
): Promise<string[]> {
  const wanted = [...new Set(topics.flatMap((t) => (isDlqTopic(t) ? [t] : [t, dlqTopic(t)])))];
  const existing = new Set(await admin.listTopics());
  const missing = wanted.filter((t) => !existing.has(t));
  if (missing.length === 0) return [];
  try {
    await admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((topic) => ({
        topic,
        numPartitions: options.partitions,
        replicationFactor: options.replicationFactor,
      })),
    });
  } catch (error) {
    if (!onlyAlreadyExists(error)) throw error;
  }
  return missing;
}

// kafkajs reports per-topic failures of createTopics as an aggregate error listing each one.
function onlyAlreadyExists(error: unknown): boolean {
  const errors = (error as { errors?: unknown }).errors;
  const isAlreadyExists = (e: unknown) => (e as { type?: unknown }).type === 'TOPIC_ALREADY_EXISTS';
  if (Array.isArray(errors) && errors.length > 0) return errors.every(isAlreadyExists);
  return isAlreadyExists(error);
}
