import * as fs from 'node:fs';
import * as path from 'node:path';
import { FileSegmentStore } from './file-segment-store';
import { MemorySegmentStore } from './memory-segment-store';
import { type SegmentStore } from './segment-store';

/** A committed group offset as persisted. */
export interface CommittedOffsetRecord {
  groupId: string;
  topic: string;
  partition: number;
  offset: number;
  metadata: string | null;
}

/** Everything the broker persists: topics with their partition stores, group offsets, producer ids. */
export interface BrokerStorage {
  loadTopics(): Map<string, SegmentStore[]>;
  createTopic(name: string, partitions: number): SegmentStore[];
  /** Removes a topic whose stores were already destroyed. */
  deleteTopic(name: string): void;
  loadCommittedOffsets(): CommittedOffsetRecord[];
  saveCommittedOffset(record: CommittedOffsetRecord): void;
  /** Forgets every group's offsets for a deleted topic. */
  forgetTopicOffsets(topic: string): void;
  /** Allocates a producer id never handed out before by this storage. */
  allocateProducerId(): number;
  close(): void;
}

/** Nothing survives stop(): the default, for tests. */
export class MemoryStorage implements BrokerStorage {
  private nextProducerId = 1;

  loadTopics(): Map<string, SegmentStore[]> {
    return new Map();
  }

  createTopic(_name: string, partitions: number): SegmentStore[] {
    return Array.from({ length: partitions }, () => new MemorySegmentStore());
  }

  deleteTopic(): void {}

  loadCommittedOffsets(): CommittedOffsetRecord[] {
    return [];
  }

  saveCommittedOffset(): void {}

  forgetTopicOffsets(): void {}

  allocateProducerId(): number {
    return this.nextProducerId++;
  }

  close(): void {}
}

type OffsetJournalLine =
  | { commit: CommittedOffsetRecord }
  | { deleteTopic: string };

const offsetKey = (groupId: string, topic: string, partition: number): string => JSON.stringify([groupId, topic, partition]);

/**
 * A data directory:
 *   meta.json                     next producer id
 *   topics/<topic>/topic.json     partition count, written last so a half-created topic is discarded
 *   topics/<topic>/<p>.log|.index one segment and its offset index per partition
 *   group-offsets.jsonl           append-only journal of commits, compacted at every start
 *   .lock                         pid of the broker using the directory
 */
export class FileStorage implements BrokerStorage {
  private readonly topicsDir: string;
  private readonly metaPath: string;
  private readonly offsetsPath: string;
  private readonly lockPath: string;
  private offsetsFd: number | null = null;
  private nextProducerId = 1;

  constructor(
    private readonly dataDir: string,
    private readonly log: (line: string) => void,
  ) {
    this.topicsDir = path.join(dataDir, 'topics');
    this.metaPath = path.join(dataDir, 'meta.json');
    this.offsetsPath = path.join(dataDir, 'group-offsets.jsonl');
    this.lockPath = path.join(dataDir, '.lock');
    fs.mkdirSync(this.topicsDir, { recursive: true });
    if (fs.existsSync(this.metaPath)) {
      const meta = JSON.parse(fs.readFileSync(this.metaPath, 'utf8')) as { nextProducerId?: unknown };
      if (typeof meta.nextProducerId === 'number') this.nextProducerId = meta.nextProducerId;
    }
    this.lock();
  }

  /** Two brokers appending to the same segments would corrupt them, so a live owner is refused. */
  private lock(): void {
    try {
      fs.writeFileSync(this.lockPath, String(process.pid), { flag: 'wx' });
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = Number(fs.readFileSync(this.lockPath, 'utf8'));
    if (Number.isInteger(owner) && owner !== process.pid && isAlive(owner)) {
      throw new Error(`data directory ${this.dataDir} is in use by another broker (pid ${owner})`);
    }
    if (owner === process.pid) throw new Error(`data directory ${this.dataDir} is already open in this process`);
    this.log(`taking over ${this.dataDir} from a broker that did not stop cleanly (pid ${owner})`);
    fs.writeFileSync(this.lockPath, String(process.pid));
  }

  loadTopics(): Map<string, SegmentStore[]> {
    const topics = new Map<string, SegmentStore[]>();
    for (const name of fs.readdirSync(this.topicsDir)) {
      const topicDir = path.join(this.topicsDir, name);
      const descriptor = path.join(topicDir, 'topic.json');
      if (!fs.existsSync(descriptor)) {
        this.log(`discarding ${topicDir}: its creation never completed`);
        fs.rmSync(topicDir, { recursive: true, force: true });
        continue;
      }
      const { partitions } = JSON.parse(fs.readFileSync(descriptor, 'utf8')) as { partitions: number };
      const stores = Array.from({ length: partitions }, (_, p) => new FileSegmentStore(path.join(topicDir, String(p)), this.log));
      for (const store of stores) {
        for (const entry of store.recovered) this.nextProducerId = Math.max(this.nextProducerId, entry.producerId + 1);
      }
      topics.set(name, stores);
    }
    return topics;
  }

  createTopic(name: string, partitions: number): SegmentStore[] {
    const topicDir = path.join(this.topicsDir, name);
    fs.rmSync(topicDir, { recursive: true, force: true });
    fs.mkdirSync(topicDir);
    const stores = Array.from({ length: partitions }, (_, p) => new FileSegmentStore(path.join(topicDir, String(p)), this.log));
    writeFileAtomically(path.join(topicDir, 'topic.json'), JSON.stringify({ partitions }));
    return stores;
  }

  deleteTopic(name: string): void {
    fs.rmSync(path.join(this.topicsDir, name), { recursive: true, force: true });
  }

  loadCommittedOffsets(): CommittedOffsetRecord[] {
    const offsets = new Map<string, CommittedOffsetRecord>();
    const text = fs.existsSync(this.offsetsPath) ? fs.readFileSync(this.offsetsPath, 'utf8') : '';
    const lines = text.split('\n');
    // The last element is what follows the final newline: empty, or a line torn by a crash.
    if (lines[lines.length - 1] !== '') this.log(`${this.offsetsPath}: dropped a torn last line`);
    for (const line of lines.slice(0, -1)) {
      const entry = JSON.parse(line) as OffsetJournalLine;
      if ('commit' in entry) {
        const { groupId, topic, partition } = entry.commit;
        offsets.set(offsetKey(groupId, topic, partition), entry.commit);
      } else {
        for (const [key, record] of offsets) if (record.topic === entry.deleteTopic) offsets.delete(key);
      }
    }
    const records = [...offsets.values()];
    // Compacting at start keeps the journal as small as the live state plus one run's commits.
    writeFileAtomically(this.offsetsPath, records.map((commit) => `${JSON.stringify({ commit })}\n`).join(''));
    this.offsetsFd = fs.openSync(this.offsetsPath, 'a');
    return records;
  }

  saveCommittedOffset(record: CommittedOffsetRecord): void {
    this.appendOffsetLine({ commit: record });
  }

  forgetTopicOffsets(topic: string): void {
    this.appendOffsetLine({ deleteTopic: topic });
  }

  private appendOffsetLine(line: OffsetJournalLine): void {
    if (this.offsetsFd === null) throw new Error('committed offsets must be loaded before they are saved');
    fs.writeSync(this.offsetsFd, `${JSON.stringify(line)}\n`);
  }

  allocateProducerId(): number {
    const producerId = this.nextProducerId++;
    writeFileAtomically(this.metaPath, JSON.stringify({ nextProducerId: this.nextProducerId }));
    return producerId;
  }

  close(): void {
    if (this.offsetsFd !== null) {
      fs.fsyncSync(this.offsetsFd);
      fs.closeSync(this.offsetsFd);
      this.offsetsFd = null;
    }
    fs.rmSync(this.lockPath, { force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function writeFileAtomically(target: string, content: string): void {
  const temporary = `${target}.tmp`;
  fs.writeFileSync(temporary, content);
  fs.renameSync(temporary, target);
}
