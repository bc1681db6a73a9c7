import { type BrokerStorage } from '../log/storage';

export interface CommittedOffset {
  offset: number;
  metadata: string | null;
}

/** Committed offsets per group, topic and partition, written through to storage. */
export class OffsetStore {
  private readonly groups = new Map<string, Map<string, Map<number, CommittedOffset>>>();

  constructor(private readonly storage: BrokerStorage) {
    for (const record of storage.loadCommittedOffsets()) {
      this.put(record.groupId, record.topic, record.partition, { offset: record.offset, metadata: record.metadata });
    }
  }

  private put(groupId: string, topic: string, partition: number, committed: CommittedOffset): void {
    let topics = this.groups.get(groupId);
    if (topics === undefined) {
      topics = new Map();
      this.groups.set(groupId, topics);
    }
    let partitions = topics.get(topic);
    if (partitions === undefined) {
      partitions = new Map();
      topics.set(topic, partitions);
    }
    partitions.set(partition, committed);
  }

  commit(groupId: string, topic: string, partition: number, committed: CommittedOffset): void {
    this.storage.saveCommittedOffset({ groupId, topic, partition, ...committed });
    this.put(groupId, topic, partition, committed);
  }

  /** Every committed offset of a group, by topic. */
  all(groupId: string): ReadonlyMap<string, ReadonlyMap<number, CommittedOffset>> {
    return this.groups.get(groupId) ?? new Map();
  }

  groupIds(): string[] {
    return [...this.groups.keys()];
  }

  hasOffsets(groupId: string): boolean {
    return (this.groups.get(groupId)?.size ?? 0) > 0;
  }

  /** Drops every group's offsets for a deleted topic, as Kafka does. */
  forgetTopic(topic: string): void {
    this.storage.forgetTopicOffsets(topic);
    for (const topics of this.groups.values()) topics.delete(topic);
  }
}
