import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { type Consumer, type Kafka } from 'kafkajs';
import { type BrokerFixture, startBrokerFixture, uniqueTopic, waitUntil } from './kafka-test-kit';

// jest's testTimeout only works globally, not per project; broker scenarios need more than 5 s.
jest.setTimeout(30000);

const PARTITIONS = 6;
const SESSION_TIMEOUT_MS = 2000;

type Mode = 'eachMessage' | 'eachBatch';

/**
 * Members of one consumer group in this process, recording every delivery, so a test can check
 * that each produced message reached exactly one member.
 */
class GroupUnderTest {
  private readonly members = new Map<string, Consumer>();
  /** "partition:offset" → names of the members it was delivered to. */
  readonly deliveries = new Map<string, string[]>();
  readonly values: string[] = [];
  /** The latest assignment each member received, by member name. */
  readonly assignments = new Map<string, number[]>();

  constructor(
    private readonly kafka: () => Kafka,
    readonly groupId: string,
    private readonly topic: string,
    private readonly mode: Mode,
  ) {}

  async addMember(name: string): Promise<void> {
    const consumer = this.kafka().consumer({
      groupId: this.groupId,
      sessionTimeout: SESSION_TIMEOUT_MS,
      rebalanceTimeout: 10000,
      heartbeatInterval: 200,
      maxWaitTimeInMs: 100,
    });
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      this.assignments.set(name, payload.memberAssignment[this.topic] ?? []);
    });
    this.members.set(name, consumer);
    await consumer.connect();
    await consumer.subscribe({ topic: this.topic, fromBeginning: true });
    const record = (partition: number, offset: string, value: Buffer | null): void => {
      const key = `${partition}:${offset}`;
      this.deliveries.set(key, [...(this.deliveries.get(key) ?? []), name]);
      this.values.push(value?.toString() ?? '');
    };
    if (this.mode === 'eachMessage') {
      await consumer.run({ eachMessage: async ({ partition, message }) => record(partition, message.offset, message.value) });
    } else {
      await consumer.run({
        eachBatch: async ({ batch }) => {
          for (const message of batch.messages) record(batch.partition, message.offset, message.value);
        },
      });
    }
  }

  async removeMember(name: string): Promise<void> {
    await this.members.get(name)?.disconnect();
    this.members.delete(name);
    this.assignments.delete(name);
  }

  /** Waits until the live members' assignments are disjoint and cover every partition. */
  async settled(memberCount: number): Promise<void> {
    await waitUntil(
      () => {
        const live = [...this.members.keys()].map((name) => this.assignments.get(name) ?? []);
        const all = live.flat().sort((a, b) => a - b);
        return live.length === memberCount && all.length === PARTITIONS && all.every((p, i) => p === i);
      },
      15000,
      `${memberCount} member(s) sharing all ${PARTITIONS} partitions`,
    );
  }

  async stop(): Promise<void> {
    for (const name of [...this.members.keys()]) await this.removeMember(name);
  }

  duplicates(): string[] {
    return [...this.deliveries].filter(([, to]) => to.length > 1).map(([key, to]) => `${key} → ${to.join(', ')}`);
  }
}

async function produceRange(kafka: Kafka, topic: string, from: number, to: number): Promise<string[]> {
  const producer = kafka.producer();
  await producer.connect();
  const values: string[] = [];
  for (let start = from; start < to; start += 50) {
    const messages = Array.from({ length: Math.min(50, to - start) }, (_, i) => ({ key: `key-${(start + i) % 17}`, value: `m${start + i}` }));
    await producer.send({ topic, messages });
    values.push(...messages.map((m) => m.value));
  }
  await producer.disconnect();
  return values;
}

describe('DevBroker consumer groups', () => {
  let fixture: BrokerFixture;
  const groups: GroupUnderTest[] = [];

  beforeAll(async () => {
    fixture = await startBrokerFixture();
  });

  afterEach(async () => {
    for (const group of groups.splice(0)) await group.stop();
  });

  afterAll(async () => {
    await fixture.broker.stop();
  });

  async function newGroup(mode: Mode): Promise<{ group: GroupUnderTest; topic: string }> {
    const topic = uniqueTopic(`group-${mode}`);
    const admin = fixture.kafka().admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS }] });
    await admin.disconnect();
    const group = new GroupUnderTest(() => fixture.kafka(), `${topic}-group`, topic, mode);
    groups.push(group);
    return { group, topic };
  }

  it.each<Mode>(['eachMessage', 'eachBatch'])(
    'delivers every message exactly once with %s while the group grows from 1 to 3 members and shrinks to 2',
    async (mode) => {
      const { group, topic } = await newGroup(mode);
      const kafka = fixture.kafka();

      await group.addMember('one');
      await group.settled(1);
      const produced = await produceRange(kafka, topic, 0, 300);
      await waitUntil(() => group.values.length >= 100, 10000, 'the first member to consume');

      // Members join while messages keep arriving.
      const producing = produceRange(kafka, topic, 300, 1200);
      await group.addMember('two');
      await group.settled(2);
      await group.addMember('three');
      await group.settled(3);
      produced.push(...(await producing));
      await waitUntil(() => group.values.length >= produced.length, 15000, 'all messages with three members');
      expect(new Set(group.assignments.get('three'))).not.toEqual(new Set());

      // A member leaves (LeaveGroup): the other two take over its partitions.
      await group.removeMember('three');
      await group.settled(2);
      produced.push(...(await produceRange(kafka, topic, 1200, 1500)));
      await waitUntil(() => group.values.length >= produced.length, 15000, 'all messages after a member left');

      expect(group.duplicates()).toEqual([]);
      expect([...group.values].sort()).toEqual([...produced].sort());
    },
  );

  it('expires a killed member after its session timeout and gives its partitions to the others', async () => {
    const { group, topic } = await newGroup('eachMessage');
    await group.addMember('survivor-1');
    await group.settled(1);
    await group.addMember('survivor-2');
    await group.settled(2);

    const doomed = spawnGroupMember(fixture.broker.brokers[0]!, group.groupId, topic);
    const admin = fixture.kafka().admin();
    await admin.connect();
    try {
      await waitForGroup(admin, group.groupId, (state, members) => state === 'Stable' && members === 3);
      const survivorsAssignedBeforeKill = [...group.assignments.values()].flat().length;
      expect(survivorsAssignedBeforeKill).toBeLessThan(PARTITIONS);

      doomed.kill('SIGKILL');
      const produced = await produceRange(fixture.kafka(), topic, 0, 600);
      await waitUntil(() => group.values.length >= produced.length, SESSION_TIMEOUT_MS + 15000, 'the survivors to consume everything');

      expect(group.duplicates()).toEqual([]);
      expect([...group.values].sort()).toEqual([...produced].sort());
      await waitForGroup(admin, group.groupId, (state, members) => state === 'Stable' && members === 2);
    } finally {
      doomed.kill('SIGKILL');
      await admin.disconnect();
    }
  });
});

function spawnGroupMember(broker: string, groupId: string, topic: string): ChildProcess {
  const child = spawn(process.execPath, [path.join(__dirname, 'fixtures', 'group-member.js'), broker, groupId, topic, String(SESSION_TIMEOUT_MS)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  child.stdout?.resume();
  return child;
}

async function waitForGroup(
  admin: ReturnType<Kafka['admin']>,
  groupId: string,
  condition: (state: string, members: number) => boolean,
): Promise<void> {
  const deadline = Date.now() + 20000;
  for (;;) {
    const { groups } = await admin.describeGroups([groupId]);
    const group = groups[0]!;
    if (condition(group.state, group.members.length)) return;
    if (Date.now() > deadline) throw new Error(`group ${groupId} is ${group.state} with ${group.members.length} member(s)`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
