import { PartitionLog } from './partition-log';
import { type BrokerStorage } from './storage';

const LEGAL_TOPIC_NAME = /^[a-zA-Z0-9._-]+$/;
const MAX_TOPIC_NAME_LENGTH = 249;

/** Why Kafka would refuse this topic name, or null when it is legal. */
export function topicNameProblem(name: string): string | null {
  if (name === '' || name === '.' || name === '..') return `topic name "${name}" is not allowed`;
  if (name.length > MAX_TOPIC_NAME_LENGTH) return `topic name is longer than ${MAX_TOPIC_NAME_LENGTH} characters`;
  if (!LEGAL_TOPIC_NAME.test(name)) return `topic name "${name}" may only contain ASCII letters, digits, '.', '_' and '-'`;
  return null;
}

/** The broker's topics and their partition logs. */
export class TopicRegistry {
  private readonly topics = new Map<string, PartitionLog[]>();

  constructor(private readonly storage: BrokerStorage) {
    for (const [name, stores] of storage.loadTopics()) {
      this.topics.set(
        name,
        stores.map((store, partition) => new PartitionLog(partition, store)),
      );
    }
  }

  names(): string[] {
    return [...this.topics.keys()].sort();
  }

  get(name: string): readonly PartitionLog[] | undefined {
    return this.topics.get(name);
  }

  partition(name: string, partition: number): PartitionLog | undefined {
    return this.topics.get(name)?.[partition];
  }

  has(name: string): boolean {
    return this.topics.has(name);
  }

  create(name: string, partitions: number): readonly PartitionLog[] {
    const stores = this.storage.createTopic(name, partitions);
    const logs = stores.map((store, partition) => new PartitionLog(partition, store));
    this.topics.set(name, logs);
    return logs;
  }

  /** Deletes a topic's data and its committed offsets; false when it did not exist. */
  delete(name: string): boolean {
    const logs = this.topics.get(name);
    if (logs === undefined) return false;
    this.topics.delete(name);
    for (const log of logs) log.destroy();
    this.storage.deleteTopic(name);
    return true;
  }

  close(): void {
    for (const logs of this.topics.values()) for (const log of logs) log.close();
    this.topics.clear();
  }
}
