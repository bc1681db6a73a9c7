import { MemoryStorage } from '../log/storage';
import { type JoinGroupResponse } from '../protocol/api/join-group';
import { ErrorCode } from '../protocol/error-codes';
import { GroupCoordinator } from './group-coordinator';
import { OffsetStore } from './offset-store';

const GROUP = 'orders-projector';
const SESSION_MS = 1000;
const REBALANCE_MS = 5000;
const client = { clientId: 'app', clientHost: '/127.0.0.1' };

function coordinator(initialRebalanceDelayMs = 0): GroupCoordinator {
  return new GroupCoordinator({
    initialRebalanceDelayMs,
    offsets: new OffsetStore(new MemoryStorage()),
    partitionExists: (topic, partition) => topic === 'orders' && partition < 3,
    log: () => undefined,
  });
}

function join(groups: GroupCoordinator, memberId: string, metadata = 'subscription'): Promise<JoinGroupResponse> {
  return groups.joinGroup(
    {
      groupId: GROUP,
      sessionTimeoutMs: SESSION_MS,
      rebalanceTimeoutMs: REBALANCE_MS,
      memberId,
      groupInstanceId: null,
      protocolType: 'consumer',
      protocols: [{ name: 'RoundRobinAssigner', metadata: Buffer.from(metadata) }],
    },
    client,
  );
}

/** The two-step join of a new member: MEMBER_ID_REQUIRED, then a join with the given id. */
async function newMember(groups: GroupCoordinator): Promise<{ memberId: string; joined: Promise<JoinGroupResponse> }> {
  const first = await join(groups, '');
  expect(first.errorCode).toBe(ErrorCode.MemberIdRequired);
  return { memberId: first.memberId, joined: join(groups, first.memberId) };
}

const heartbeat = (groups: GroupCoordinator, memberId: string, generationId: number): ErrorCode =>
  groups.heartbeat({ groupId: GROUP, generationId, memberId, groupInstanceId: null });

const sync = (groups: GroupCoordinator, memberId: string, generationId: number, assignments: { memberId: string; assignment: Buffer }[] = []) =>
  groups.syncGroup({ groupId: GROUP, generationId, memberId, groupInstanceId: null, assignments });

const commit = (groups: GroupCoordinator, memberId: string, generationId: number, offset: number) =>
  groups.commitOffsets({ groupId: GROUP, generationId, memberId, topics: [{ name: 'orders', partitions: [{ partition: 0, offset, metadata: null }] }] })
    .topics[0]!.partitions[0]!.errorCode;

const INITIAL_DELAY_MS = 100;

/** Two members joining within the initial rebalance delay, so they share generation 1. */
async function twoMembers(groups: GroupCoordinator): Promise<{ a: string; b: string; leader: string; follower: string; generation: number }> {
  const a = await newMember(groups);
  const b = await newMember(groups);
  // b joined during the initial delay, which therefore runs once more.
  jest.advanceTimersByTime(2 * INITIAL_DELAY_MS);
  const [viewA, viewB] = await Promise.all([a.joined, b.joined]);
  expect(viewB.generationId).toBe(viewA.generationId);
  const follower = viewA.leader === a.memberId ? b.memberId : a.memberId;
  return { a: a.memberId, b: b.memberId, leader: viewA.leader, follower, generation: viewA.generationId };
}

/** Brings a one-member group to Stable and returns its member id. */
async function stableSingleMember(groups: GroupCoordinator): Promise<string> {
  const { memberId, joined } = await newMember(groups);
  const response = await joined;
  await sync(groups, memberId, response.generationId, [{ memberId, assignment: Buffer.from('all') }]);
  return memberId;
}

describe(GroupCoordinator.name, () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('asks a new member to rejoin with the id it hands out, then makes it leader of generation 1', async () => {
    const groups = coordinator();
    const { memberId, joined } = await newMember(groups);
    expect(memberId).toMatch(/^app-[0-9a-f-]{36}$/);
    expect(await joined).toMatchObject({
      errorCode: ErrorCode.None,
      generationId: 1,
      protocolName: 'RoundRobinAssigner',
      leader: memberId,
      memberId,
      members: [{ memberId, metadata: Buffer.from('subscription') }],
    });
    groups.close();
  });

  it('rejects a join with an unknown member id', async () => {
    const groups = coordinator();
    expect((await join(groups, 'made-up')).errorCode).toBe(ErrorCode.UnknownMemberId);
    groups.close();
  });

  it('rebalances when a member joins: the running member is told by heartbeat, may commit, and rejoins', async () => {
    const groups = coordinator();
    const first = await stableSingleMember(groups);
    const second = await newMember(groups);

    expect(groups.describeGroup(GROUP).state).toBe('PreparingRebalance');
    expect(heartbeat(groups, first, 1)).toBe(ErrorCode.RebalanceInProgress);
    expect(commit(groups, first, 1, 42)).toBe(ErrorCode.None);

    const [leaderView, followerView] = await Promise.all([join(groups, first), second.joined]);
    expect(leaderView).toMatchObject({ generationId: 2, leader: first });
    expect(leaderView.members.map((m) => m.memberId).sort()).toEqual([first, second.memberId].sort());
    expect(followerView).toMatchObject({ generationId: 2, leader: first, memberId: second.memberId, members: [] });
    expect(groups.fetchOffsets({ groupId: GROUP, topics: null }).topics).toEqual([
      { name: 'orders', partitions: [{ partition: 0, offset: 42, metadata: null, errorCode: ErrorCode.None }] },
    ]);
    groups.close();
  });

  it('parks a follower sync until the leader sends the assignment, then gives each member its share', async () => {
    const groups = coordinator(INITIAL_DELAY_MS);
    const { leader, follower, generation } = await twoMembers(groups);

    let followerAnswered = false;
    const followerSync = sync(groups, follower, generation).then((r) => {
      followerAnswered = true;
      return r;
    });
    await Promise.resolve();
    expect(followerAnswered).toBe(false);
    expect(commit(groups, follower, generation, 1)).toBe(ErrorCode.RebalanceInProgress);

    const leaderSync = await sync(groups, leader, generation, [
      { memberId: leader, assignment: Buffer.from('p0') },
      { memberId: follower, assignment: Buffer.from('p1') },
    ]);
    expect(leaderSync).toMatchObject({ errorCode: ErrorCode.None, assignment: Buffer.from('p0') });
    expect(await followerSync).toMatchObject({ errorCode: ErrorCode.None, assignment: Buffer.from('p1') });
    expect(groups.describeGroup(GROUP)).toMatchObject({ state: 'Stable', protocol: 'RoundRobinAssigner' });
    groups.close();
  });

  it('removes a member whose session expires and rebalances the others', async () => {
    const groups = coordinator(INITIAL_DELAY_MS);
    const { a, b, leader, follower, generation } = await twoMembers(groups);
    await Promise.all([sync(groups, leader, generation, []), sync(groups, follower, generation)]);

    // Only a keeps heartbeating.
    for (let elapsed = 0; elapsed < SESSION_MS * 1.5; elapsed += SESSION_MS / 4) {
      jest.advanceTimersByTime(SESSION_MS / 4);
      heartbeat(groups, a, generation);
    }
    expect(groups.describeGroup(GROUP).members.map((m) => m.memberId)).toEqual([a]);
    const rejoined = await join(groups, a);
    expect(rejoined).toMatchObject({ generationId: generation + 1, leader: a, members: [{ memberId: a }] });
    expect(heartbeat(groups, b, generation)).toBe(ErrorCode.UnknownMemberId);
    groups.close();
  });

  it('drops members that do not rejoin within the rebalance timeout', async () => {
    const groups = coordinator(INITIAL_DELAY_MS);
    const { a, b, leader, follower, generation } = await twoMembers(groups);
    await Promise.all([sync(groups, leader, generation, []), sync(groups, follower, generation)]);

    const third = await newMember(groups);
    const aRejoined = join(groups, a);
    // b keeps heartbeating (so its session holds) but never rejoins.
    for (let elapsed = 0; elapsed <= REBALANCE_MS; elapsed += SESSION_MS / 2) {
      jest.advanceTimersByTime(SESSION_MS / 2);
      heartbeat(groups, b, generation);
    }
    const [viewAfter, thirdView] = await Promise.all([aRejoined, third.joined]);
    const leaderView = viewAfter.members.length > 0 ? viewAfter : thirdView;
    expect(leaderView.members.map((m) => m.memberId).sort()).toEqual([a, third.memberId].sort());
    expect(heartbeat(groups, b, generation)).toBe(ErrorCode.UnknownMemberId);
    groups.close();
  });

  it('rebalances when a member leaves, and reports unknown leavers per member', async () => {
    const groups = coordinator(INITIAL_DELAY_MS);
    const { a, b, leader, follower, generation } = await twoMembers(groups);
    await Promise.all([sync(groups, leader, generation, []), sync(groups, follower, generation)]);

    const left = groups.leaveGroup({ groupId: GROUP, members: [{ memberId: b, groupInstanceId: null }, { memberId: 'ghost', groupInstanceId: null }] });
    expect(left.members.map((m) => m.errorCode)).toEqual([ErrorCode.None, ErrorCode.UnknownMemberId]);
    expect(heartbeat(groups, a, generation)).toBe(ErrorCode.RebalanceInProgress);
    expect((await join(groups, a)).generationId).toBe(generation + 1);
    groups.close();
  });

  it('goes Empty when the last member leaves and then accepts commits from outside the group', async () => {
    const groups = coordinator();
    const memberId = await stableSingleMember(groups);
    groups.leaveGroup({ groupId: GROUP, members: [{ memberId, groupInstanceId: null }] });
    expect(groups.describeGroup(GROUP)).toMatchObject({ state: 'Empty', members: [] });
    expect(commit(groups, memberId, 1, 5)).toBe(ErrorCode.UnknownMemberId);
    expect(commit(groups, '', -1, 5)).toBe(ErrorCode.None);
    groups.close();
  });

  it('rejects commits from a stale generation or an unknown member, and for unknown partitions', async () => {
    const groups = coordinator();
    const memberId = await stableSingleMember(groups);
    expect(commit(groups, memberId, 0, 1)).toBe(ErrorCode.IllegalGeneration);
    expect(commit(groups, 'ghost', 1, 1)).toBe(ErrorCode.UnknownMemberId);
    const unknownPartition = groups.commitOffsets({
      groupId: GROUP,
      generationId: 1,
      memberId,
      topics: [{ name: 'orders', partitions: [{ partition: 7, offset: 1, metadata: null }] }],
    });
    expect(unknownPartition.topics[0]!.partitions[0]!.errorCode).toBe(ErrorCode.UnknownTopicOrPartition);
    groups.close();
  });

  it('waits the initial rebalance delay for more members before completing the first join', async () => {
    const groups = coordinator(300);
    const a = await newMember(groups);
    let answered = false;
    void a.joined.then(() => (answered = true));
    jest.advanceTimersByTime(200);
    await Promise.resolve();
    expect(answered).toBe(false);
    const b = await newMember(groups);
    // b arrived during the delay, so the delay starts over once.
    jest.advanceTimersByTime(100);
    await Promise.resolve();
    expect(answered).toBe(false);
    jest.advanceTimersByTime(300);
    const [viewA, viewB] = await Promise.all([a.joined, b.joined]);
    expect(viewA.generationId).toBe(1);
    expect(viewB.generationId).toBe(1);
    groups.close();
  });

  it('refuses a member whose protocols share nothing with the group', async () => {
    const groups = coordinator();
    await stableSingleMember(groups);
    const stranger = await groups.joinGroup(
      {
        groupId: GROUP,
        sessionTimeoutMs: SESSION_MS,
        rebalanceTimeoutMs: REBALANCE_MS,
        memberId: '',
        groupInstanceId: null,
        protocolType: 'consumer',
        protocols: [{ name: 'OtherAssigner', metadata: Buffer.alloc(0) }],
      },
      client,
    );
    expect(stranger.errorCode).toBe(ErrorCode.InconsistentGroupProtocol);
    groups.close();
  });

  it('describes an unknown group as Dead and lists known groups', async () => {
    const groups = coordinator();
    expect(groups.describeGroup('nobody')).toMatchObject({ errorCode: ErrorCode.None, state: 'Dead', members: [] });
    await stableSingleMember(groups);
    expect(groups.listGroups()).toEqual([{ groupId: GROUP, protocolType: 'consumer' }]);
    expect(groups.describeGroup(GROUP).members).toEqual([
      expect.objectContaining({ clientId: 'app', clientHost: '/127.0.0.1', assignment: Buffer.from('all') }),
    ]);
    groups.close();
  });
});
