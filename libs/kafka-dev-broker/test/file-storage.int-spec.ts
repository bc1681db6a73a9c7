import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FileSegmentStore, INDEX_ENTRY_BYTES } from '../src/log/file-segment-store';
import { PartitionLog } from '../src/log/partition-log';
import { FileStorage } from '../src/log/storage';
import { kafkajsRecord, kafkajsRecordBatch } from '../src/protocol/kafkajs-reference.test-helper';
import { ErrorCode } from '../src/protocol/error-codes';
import { parseRecordSet, type ParsedBatch } from '../src/protocol/record-batch';

async function batch(values: string[], producer: object = {}): Promise<ParsedBatch[]> {
  const bytes = await kafkajsRecordBatch({
    lastOffsetDelta: values.length - 1,
    records: values.map((value, i) => kafkajsRecord({ offsetDelta: i, value })),
    ...producer,
  });
  const parsed = parseRecordSet(bytes, 10_000_000);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.batches;
}

function readOffsets(log: PartitionLog): number[] {
  const { chunks } = log.read(0, 10_000_000, true);
  const offsets: number[] = [];
  for (const chunk of chunks) {
    for (let at = 0; at < chunk.length; at += 12 + chunk.readInt32BE(at + 8)) offsets.push(Number(chunk.readBigInt64BE(at)));
  }
  return offsets;
}

describe(FileSegmentStore.name, () => {
  let dir: string;
  let base: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'segment-store-'));
    base = path.join(dir, '0');
  });

  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  async function writeThreeBatches(): Promise<void> {
    const log = new PartitionLog(0, new FileSegmentStore(base));
    log.append(await batch(['a', 'b']));
    log.append(await batch(['c']));
    log.append(await batch(['d', 'e', 'f']));
    log.close();
  }

  it('reopens with every batch at its offset and appends after them', async () => {
    await writeThreeBatches();
    const reopened = new PartitionLog(0, new FileSegmentStore(base));
    expect(reopened.logEndOffset).toBe(6);
    expect(readOffsets(reopened)).toEqual([0, 2, 3]);
    expect(reopened.append(await batch(['g']))).toEqual({ errorCode: ErrorCode.None, baseOffset: 6 });
    reopened.close();
  });

  it('rebuilds index entries that never reached the disk from the segment itself', async () => {
    await writeThreeBatches();
    fs.truncateSync(`${base}.index`, INDEX_ENTRY_BYTES);
    const reopened = new PartitionLog(0, new FileSegmentStore(base));
    expect(readOffsets(reopened)).toEqual([0, 2, 3]);
    reopened.close();
    expect(fs.statSync(`${base}.index`).size).toBe(3 * INDEX_ENTRY_BYTES);
  });

  it('discards an index entry whose checksum does not match and rereads the segment', async () => {
    await writeThreeBatches();
    const index = fs.readFileSync(`${base}.index`);
    index.writeUInt8(index.readUInt8(INDEX_ENTRY_BYTES + 3) ^ 0x40, INDEX_ENTRY_BYTES + 3);
    fs.writeFileSync(`${base}.index`, index);
    const reopened = new PartitionLog(0, new FileSegmentStore(base));
    expect(readOffsets(reopened)).toEqual([0, 2, 3]);
    reopened.close();
  });

  it('cuts a batch torn in the middle and everything after it', async () => {
    await writeThreeBatches();
    const size = fs.statSync(`${base}.log`).size;
    fs.truncateSync(`${base}.log`, size - 5);
    const lines: string[] = [];
    const reopened = new PartitionLog(0, new FileSegmentStore(base, (line) => lines.push(line)));
    expect(readOffsets(reopened)).toEqual([0, 2]);
    expect(reopened.logEndOffset).toBe(3);
    expect(lines).toEqual([expect.stringMatching(/dropped a torn tail of \d+ bytes after offset 2/)]);
    expect(reopened.append(await batch(['d2']))).toEqual({ errorCode: ErrorCode.None, baseOffset: 3 });
    reopened.close();
  });

  it('still recognises a retried idempotent batch after a restart', async () => {
    const producer = { producerId: 77, producerEpoch: 0 };
    const log = new PartitionLog(0, new FileSegmentStore(base));
    log.append(await batch(['a'], { ...producer, firstSequence: 0 }));
    log.append(await batch(['b', 'c'], { ...producer, firstSequence: 1 }));
    log.close();

    const reopened = new PartitionLog(0, new FileSegmentStore(base));
    expect(reopened.append(await batch(['b', 'c'], { ...producer, firstSequence: 1 }))).toEqual({ errorCode: ErrorCode.None, baseOffset: 1 });
    expect(reopened.append(await batch(['z'], { ...producer, firstSequence: 7 }))).toMatchObject({ errorCode: ErrorCode.OutOfOrderSequenceNumber });
    expect(reopened.append(await batch(['d'], { ...producer, firstSequence: 3 }))).toEqual({ errorCode: ErrorCode.None, baseOffset: 3 });
    reopened.close();
  });
});

describe(FileStorage.name, () => {
  let dataDir: string;

  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'file-storage-'));
  });

  afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('keeps the commits before a torn last journal line, and compacts the journal', () => {
    const storage = new FileStorage(dataDir, () => undefined);
    storage.loadCommittedOffsets();
    storage.saveCommittedOffset({ groupId: 'g', topic: 't', partition: 0, offset: 5, metadata: null });
    storage.saveCommittedOffset({ groupId: 'g', topic: 't', partition: 0, offset: 9, metadata: 'm' });
    storage.saveCommittedOffset({ groupId: 'g', topic: 'gone', partition: 0, offset: 1, metadata: null });
    storage.forgetTopicOffsets('gone');
    storage.close();
    fs.appendFileSync(path.join(dataDir, 'group-offsets.jsonl'), '{"commit":{"groupId":"g","top');

    const lines: string[] = [];
    const reopened = new FileStorage(dataDir, (line) => lines.push(line));
    expect(reopened.loadCommittedOffsets()).toEqual([{ groupId: 'g', topic: 't', partition: 0, offset: 9, metadata: 'm' }]);
    expect(lines).toEqual([expect.stringContaining('dropped a torn last line')]);
    expect(fs.readFileSync(path.join(dataDir, 'group-offsets.jsonl'), 'utf8').trim().split('\n')).toHaveLength(1);
    reopened.close();
  });

  it('never hands out the same producer id twice across restarts', () => {
    const storage = new FileStorage(dataDir, () => undefined);
    const first = [storage.allocateProducerId(), storage.allocateProducerId()];
    storage.close();
    const reopened = new FileStorage(dataDir, () => undefined);
    expect(reopened.allocateProducerId()).toBeGreaterThan(Math.max(...first));
    reopened.close();
  });

  it('discards a topic whose creation never completed and reloads complete ones', () => {
    const storage = new FileStorage(dataDir, () => undefined);
    for (const store of storage.createTopic('kept', 2)) store.close();
    storage.close();
    fs.mkdirSync(path.join(dataDir, 'topics', 'half-made'));

    const reopened = new FileStorage(dataDir, () => undefined);
    const topics = reopened.loadTopics();
    expect([...topics.keys()]).toEqual(['kept']);
    expect(topics.get('kept')).toHaveLength(2);
    for (const store of topics.get('kept')!) store.close();
    expect(fs.existsSync(path.join(dataDir, 'topics', 'half-made'))).toBe(false);
    reopened.close();
  });

  it('refuses a data directory another live process holds', () => {
    fs.writeFileSync(path.join(dataDir, '.lock'), String(process.ppid));
    expect(() => new FileStorage(dataDir, () => undefined)).toThrow(/in use by another broker/);
  });

  it('takes over the lock of a process that no longer exists', () => {
    fs.writeFileSync(path.join(dataDir, '.lock'), '2147483646');
    const lines: string[] = [];
    const storage = new FileStorage(dataDir, (line) => lines.push(line));
    expect(lines).toEqual([expect.stringContaining('did not stop cleanly')]);
    storage.close();
    expect(fs.existsSync(path.join(dataDir, '.lock'))).toBe(false);
  });
});
