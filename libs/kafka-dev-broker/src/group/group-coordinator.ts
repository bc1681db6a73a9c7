import { randomUUID } from 'node:crypto';
import { type DescribedGroup } from '../protocol/api/describe-groups';
import { type HeartbeatRequest } from '../protocol/api/heartbeat';
import { type JoinGroupRequest, type JoinGroupResponse } from '../protocol/api/join-group';
import { type LeaveGroupRequest, type LeaveGroupResponse } from '../protocol/api/leave-group';
import { type OffsetCommitRequest, type OffsetCommitResponse } from '../protocol/api/offset-commit';
import { type OffsetFetchRequest, type OffsetFetchResponse } from '../protocol/api/offset-fetch';
import { type SyncGroupRequest, type SyncGroupResponse } from '../protocol/api/sync-group';
import { ErrorCode } from '../protocol/error-codes';
import { ConsumerGroup, GroupMember } from './consumer-group';
import { type OffsetStore } from './offset-store';

/** Kafka's offset.metadata.max.bytes. */
const MAX_OFFSET_METADATA_CHARS = 4096;

export interface GroupCoordinatorOptions {
  /** How long the first rebalance of an empty group waits for more members (Kafka: 3000 ms). */
  initialRebalanceDelayMs: number;
  offsets: OffsetStore;
  /** Whether a topic partition exists, to answer commits for unknown ones as Kafka does. */
  partitionExists: (topic: string, partition: number) => boolean;
  log: (line: string) => void;
}

/** Who sent a request, as DescribeGroups reports members. */
export interface ClientIdentity {
  clientId: string;
  clientHost: string;
}

function joinError(errorCode: ErrorCode, memberId = ''): JoinGroupResponse {
  return { throttleTimeMs: 0, errorCode, generationId: -1, protocolName: '', leader: '', memberId, members: [] };
}

/** Clients that predate rebalance timeouts send -1; Kafka then uses the session timeout. */
function rebalanceTimeoutOf(request: JoinGroupRequest): number {
  return request.rebalanceTimeoutMs > 0 ? request.rebalanceTimeoutMs : request.sessionTimeoutMs;
}

function syncResult(errorCode: ErrorCode, assignment: Buffer = Buffer.alloc(0)): SyncGroupResponse {
  return { throttleTimeMs: 0, errorCode, assignment };
}

/**
 * The group coordinator of the classic consumer group protocol:
 * Empty → PreparingRebalance → CompletingRebalance → Stable, with joins parked until every
 * member has rejoined (or the rebalance timeout), syncs parked until the leader's assignment,
 * and members removed when their session expires.
 */
export class GroupCoordinator {
  private readonly groups = new Map<string, ConsumerGroup>();
  private closed = false;

  constructor(private readonly options: GroupCoordinatorOptions) {}

  private group(groupId: string): ConsumerGroup {
    let group = this.groups.get(groupId);
    if (group === undefined) {
      group = new ConsumerGroup(groupId);
      this.groups.set(groupId, group);
    }
    return group;
  }

  joinGroup(request: JoinGroupRequest, client: ClientIdentity): Promise<JoinGroupResponse> {
    if (request.groupId === '') return Promise.resolve(joinError(ErrorCode.InvalidGroupId, request.memberId));
    if (request.sessionTimeoutMs <= 0) return Promise.resolve(joinError(ErrorCode.InvalidSessionTimeout, request.memberId));
    if (request.protocolType === '' || request.protocols.length === 0) {
      return Promise.resolve(joinError(ErrorCode.InconsistentGroupProtocol, request.memberId));
    }
    const group = this.group(request.groupId);
    if (!group.acceptsProtocols(request.protocolType, request.protocols)) {
      return Promise.resolve(joinError(ErrorCode.InconsistentGroupProtocol, request.memberId));
    }

    if (request.memberId === '') {
      // KIP-394: a new member first gets its id, and becomes a member only when it joins with it.
      const memberId = `${client.clientId}-${randomUUID()}`;
      group.pendingMembers.set(
        memberId,
        setTimeout(() => this.expirePendingMember(group, memberId), request.sessionTimeoutMs),
      );
      return Promise.resolve(joinError(ErrorCode.MemberIdRequired, memberId));
    }

    const pendingTimer = group.pendingMembers.get(request.memberId);
    if (pendingTimer !== undefined) {
      clearTimeout(pendingTimer);
      group.pendingMembers.delete(request.memberId);
      const member = new GroupMember(
        request.memberId,
        request.groupInstanceId,
        client.clientId,
        client.clientHost,
        request.sessionTimeoutMs,
        rebalanceTimeoutOf(request),
        request.protocols,
      );
      group.members.set(member.memberId, member);
      if (group.leaderId === null) group.leaderId = member.memberId;
      if (group.members.size === 1) group.protocolType = request.protocolType;
      return this.parkJoin(group, member, `member ${member.memberId} joined`, true);
    }

    const member = group.members.get(request.memberId);
    if (member === undefined) return Promise.resolve(joinError(ErrorCode.UnknownMemberId, request.memberId));

    switch (group.state) {
      case 'PreparingRebalance':
        this.updateMember(member, request);
        return this.parkJoin(group, member, '', false);
      case 'CompletingRebalance':
        if (member.hasProtocols(request.protocols)) return Promise.resolve(this.joinResult(group, member));
        this.updateMember(member, request);
        return this.parkJoin(group, member, `member ${member.memberId} changed its protocols`, false);
      case 'Stable':
        if (member.memberId !== group.leaderId && member.hasProtocols(request.protocols)) {
          this.scheduleSessionExpiry(group, member);
          return Promise.resolve(this.joinResult(group, member));
        }
        this.updateMember(member, request);
        return this.parkJoin(group, member, `member ${member.memberId} rejoined`, false);
      case 'Empty':
        return Promise.resolve(joinError(ErrorCode.UnknownMemberId, request.memberId));
    }
  }

  private updateMember(member: GroupMember, request: JoinGroupRequest): void {
    member.protocols = request.protocols;
    member.sessionTimeoutMs = request.sessionTimeoutMs;
    member.rebalanceTimeoutMs = rebalanceTimeoutOf(request);
  }

  /** Parks a JoinGroup until the join phase completes, starting a rebalance if none is running. */
  private parkJoin(group: ConsumerGroup, member: GroupMember, reason: string, isNewMember: boolean): Promise<JoinGroupResponse> {
    return new Promise((resolve) => {
      // A second JoinGroup from the same member replaces the first, which must still get an answer.
      member.joinWaiter?.(joinError(ErrorCode.RebalanceInProgress, member.memberId));
      member.joinWaiter = resolve;
      // A member parked in the join phase is kept alive, as Kafka does.
      this.clearSessionExpiry(member);
      if (group.state !== 'PreparingRebalance') {
        this.prepareRebalance(group, reason);
      } else {
        if (isNewMember && group.initialDelayRunning) group.newMemberJoinedDuringDelay = true;
        this.maybeCompleteJoin(group);
      }
    });
  }

  private prepareRebalance(group: ConsumerGroup, reason: string): void {
    if (group.state === 'CompletingRebalance') {
      for (const member of group.members.values()) {
        member.assignment = Buffer.alloc(0);
        const waiter = member.syncWaiter;
        member.syncWaiter = null;
        if (waiter !== null) {
          this.scheduleSessionExpiry(group, member);
          waiter(syncResult(ErrorCode.RebalanceInProgress));
        }
      }
    }
    const wasEmpty = group.state === 'Empty';
    group.state = 'PreparingRebalance';
    this.options.log(`group ${group.groupId}: preparing rebalance (${reason}), generation ${group.generationId}`);
    this.clearJoinTimer(group);
    const rebalanceTimeoutMs = group.maxRebalanceTimeoutMs();
    if (wasEmpty && this.options.initialRebalanceDelayMs > 0) {
      this.startInitialDelay(group, Math.min(this.options.initialRebalanceDelayMs, rebalanceTimeoutMs), rebalanceTimeoutMs);
      return;
    }
    group.joinTimer = setTimeout(() => this.completeJoin(group), rebalanceTimeoutMs);
    this.maybeCompleteJoin(group);
  }

  /** Kafka's InitialDelayedJoin: keep waiting while new members keep arriving, up to the rebalance timeout. */
  private startInitialDelay(group: ConsumerGroup, delayMs: number, remainingMs: number): void {
    group.initialDelayRunning = true;
    group.newMemberJoinedDuringDelay = false;
    group.joinTimer = setTimeout(() => {
      group.joinTimer = null;
      const left = remainingMs - delayMs;
      if (group.newMemberJoinedDuringDelay && left > 0) {
        this.startInitialDelay(group, Math.min(this.options.initialRebalanceDelayMs, left), left);
        return;
      }
      group.initialDelayRunning = false;
      if (group.allMembersJoined()) {
        this.completeJoin(group);
      } else {
        // Members that have not rejoined still get the rebalance timeout.
        group.joinTimer = setTimeout(() => this.completeJoin(group), left > 0 ? left : 0);
      }
    }, delayMs);
  }

  private maybeCompleteJoin(group: ConsumerGroup): void {
    if (group.state === 'PreparingRebalance' && !group.initialDelayRunning && group.allMembersJoined()) {
      this.completeJoin(group);
    }
  }

  /** Ends the join phase: drops members that did not rejoin, starts the next generation, answers the joins. */
  private completeJoin(group: ConsumerGroup): void {
    if (this.closed || group.state !== 'PreparingRebalance') return;
    this.clearJoinTimer(group);
    group.initialDelayRunning = false;
    for (const member of [...group.members.values()]) {
      if (member.joinWaiter === null) {
        this.options.log(`group ${group.groupId}: member ${member.memberId} did not rejoin in time, removing it`);
        this.clearSessionExpiry(member);
        group.members.delete(member.memberId);
      }
    }
    for (const timer of group.pendingMembers.values()) clearTimeout(timer);
    group.pendingMembers.clear();
    group.generationId += 1;
    if (group.members.size === 0) {
      group.state = 'Empty';
      group.protocolName = null;
      group.leaderId = null;
      this.options.log(`group ${group.groupId}: empty at generation ${group.generationId}`);
      return;
    }
    group.protocolName = group.selectProtocol();
    if (group.leaderId === null || !group.members.has(group.leaderId)) {
      group.leaderId = group.members.keys().next().value ?? null;
    }
    group.state = 'CompletingRebalance';
    this.options.log(
      `group ${group.groupId}: generation ${group.generationId} with ${group.members.size} member(s), leader ${group.leaderId}`,
    );
    for (const member of group.members.values()) {
      const waiter = member.joinWaiter;
      member.joinWaiter = null;
      this.scheduleSessionExpiry(group, member);
      waiter?.(this.joinResult(group, member));
    }
  }

  private joinResult(group: ConsumerGroup, member: GroupMember): JoinGroupResponse {
    const protocolName = group.protocolName ?? '';
    const isLeader = member.memberId === group.leaderId;
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.None,
      generationId: group.generationId,
      protocolName,
      leader: group.leaderId ?? '',
      memberId: member.memberId,
      // Only the leader needs everyone's subscriptions, to compute the assignment.
      members: isLeader
        ? [...group.members.values()].map((m) => ({
            memberId: m.memberId,
            groupInstanceId: m.groupInstanceId,
            metadata: m.metadataFor(protocolName),
          }))
        : [],
    };
  }

  syncGroup(request: SyncGroupRequest): Promise<SyncGroupResponse> {
    const group = this.groups.get(request.groupId);
    const member = group?.members.get(request.memberId);
    if (group === undefined || member === undefined) return Promise.resolve(syncResult(ErrorCode.UnknownMemberId));
    if (request.generationId !== group.generationId) return Promise.resolve(syncResult(ErrorCode.IllegalGeneration));
    switch (group.state) {
      case 'Empty':
        return Promise.resolve(syncResult(ErrorCode.UnknownMemberId));
      case 'PreparingRebalance':
        return Promise.resolve(syncResult(ErrorCode.RebalanceInProgress));
      case 'Stable':
        this.scheduleSessionExpiry(group, member);
        return Promise.resolve(syncResult(ErrorCode.None, member.assignment));
      case 'CompletingRebalance':
        return new Promise((resolve) => {
          member.syncWaiter?.(syncResult(ErrorCode.RebalanceInProgress));
          member.syncWaiter = resolve;
          this.clearSessionExpiry(member);
          if (member.memberId === group.leaderId) this.completeSync(group, request);
        });
    }
  }

  /** The leader's assignment arrived: the group is stable and every parked sync gets its share. */
  private completeSync(group: ConsumerGroup, request: SyncGroupRequest): void {
    const assignments = new Map(request.assignments.map((a) => [a.memberId, a.assignment]));
    group.state = 'Stable';
    this.options.log(`group ${group.groupId}: stable at generation ${group.generationId}`);
    for (const member of group.members.values()) {
      member.assignment = assignments.get(member.memberId) ?? Buffer.alloc(0);
      const waiter = member.syncWaiter;
      member.syncWaiter = null;
      if (waiter !== null) {
        this.scheduleSessionExpiry(group, member);
        waiter(syncResult(ErrorCode.None, member.assignment));
      }
    }
  }

  heartbeat(request: HeartbeatRequest): ErrorCode {
    const group = this.groups.get(request.groupId);
    const member = group?.members.get(request.memberId);
    if (group === undefined || member === undefined || group.state === 'Empty') return ErrorCode.UnknownMemberId;
    if (request.generationId !== group.generationId) return ErrorCode.IllegalGeneration;
    this.scheduleSessionExpiry(group, member);
    // REBALANCE_IN_PROGRESS is how a running member learns it must rejoin.
    return group.state === 'PreparingRebalance' ? ErrorCode.RebalanceInProgress : ErrorCode.None;
  }

  leaveGroup(request: LeaveGroupRequest): LeaveGroupResponse {
    const group = this.groups.get(request.groupId);
    const members = request.members.map(({ memberId, groupInstanceId }) => {
      const pendingTimer = group?.pendingMembers.get(memberId);
      if (group !== undefined && pendingTimer !== undefined) {
        clearTimeout(pendingTimer);
        group.pendingMembers.delete(memberId);
        this.maybeCompleteJoin(group);
        return { memberId, groupInstanceId, errorCode: ErrorCode.None };
      }
      const member = group?.members.get(memberId);
      if (group === undefined || member === undefined) {
        return { memberId, groupInstanceId, errorCode: ErrorCode.UnknownMemberId };
      }
      this.removeMember(group, member, `member ${memberId} left`);
      return { memberId, groupInstanceId, errorCode: ErrorCode.None };
    });
    return { throttleTimeMs: 0, errorCode: ErrorCode.None, members };
  }

  private removeMember(group: ConsumerGroup, member: GroupMember, reason: string): void {
    this.clearSessionExpiry(member);
    group.members.delete(member.memberId);
    member.joinWaiter?.(joinError(ErrorCode.UnknownMemberId, member.memberId));
    member.syncWaiter?.(syncResult(ErrorCode.UnknownMemberId));
    member.joinWaiter = null;
    member.syncWaiter = null;
    if (group.leaderId === member.memberId) group.leaderId = group.members.keys().next().value ?? null;
    switch (group.state) {
      case 'Stable':
      case 'CompletingRebalance':
        this.prepareRebalance(group, reason);
        break;
      case 'PreparingRebalance':
        this.options.log(`group ${group.groupId}: ${reason}`);
        this.maybeCompleteJoin(group);
        break;
      case 'Empty':
        break;
    }
  }

  private expirePendingMember(group: ConsumerGroup, memberId: string): void {
    group.pendingMembers.delete(memberId);
    this.maybeCompleteJoin(group);
  }

  private scheduleSessionExpiry(group: ConsumerGroup, member: GroupMember): void {
    this.clearSessionExpiry(member);
    member.sessionTimer = setTimeout(() => {
      member.sessionTimer = null;
      if (group.members.get(member.memberId) !== member) return;
      this.removeMember(group, member, `session of member ${member.memberId} expired after ${member.sessionTimeoutMs} ms`);
    }, member.sessionTimeoutMs);
  }

  private clearSessionExpiry(member: GroupMember): void {
    if (member.sessionTimer !== null) clearTimeout(member.sessionTimer);
    member.sessionTimer = null;
  }

  private clearJoinTimer(group: ConsumerGroup): void {
    if (group.joinTimer !== null) clearTimeout(group.joinTimer);
    group.joinTimer = null;
  }

  /**
   * Commits are accepted from the current generation in Stable and in PreparingRebalance (so a
   * member told to rejoin can commit what it processed first), and from outside the group
   * (generation -1) only while the group is empty.
   */
  commitOffsets(request: OffsetCommitRequest): OffsetCommitResponse {
    const errorCode = this.commitError(request);
    const topics = request.topics.map((topic) => ({
      name: topic.name,
      partitions: topic.partitions.map(({ partition, offset, metadata }) => {
        if (errorCode !== ErrorCode.None) return { partition, errorCode };
        if (!this.options.partitionExists(topic.name, partition)) {
          return { partition, errorCode: ErrorCode.UnknownTopicOrPartition };
        }
        if (metadata !== null && metadata.length > MAX_OFFSET_METADATA_CHARS) {
          return { partition, errorCode: ErrorCode.OffsetMetadataTooLarge };
        }
        this.options.offsets.commit(request.groupId, topic.name, partition, { offset, metadata });
        return { partition, errorCode: ErrorCode.None };
      }),
    }));
    return { throttleTimeMs: 0, topics };
  }

  private commitError(request: OffsetCommitRequest): ErrorCode {
    if (request.groupId === '') return ErrorCode.InvalidGroupId;
    const group = this.groups.get(request.groupId);
    if (group === undefined || group.state === 'Empty') {
      return request.generationId < 0 ? ErrorCode.None : ErrorCode.UnknownMemberId;
    }
    if (group.state === 'CompletingRebalance') return ErrorCode.RebalanceInProgress;
    const member = group.members.get(request.memberId);
    if (member === undefined) return ErrorCode.UnknownMemberId;
    if (request.generationId !== group.generationId) return ErrorCode.IllegalGeneration;
    this.scheduleSessionExpiry(group, member);
    return ErrorCode.None;
  }

  fetchOffsets(request: OffsetFetchRequest): OffsetFetchResponse {
    const committed = this.options.offsets.all(request.groupId);
    const requested =
      request.topics ??
      [...committed.entries()].map(([name, partitions]) => ({ name, partitions: [...partitions.keys()].sort((a, b) => a - b) }));
    const topics = requested.map(({ name, partitions }) => ({
      name,
      partitions: partitions.map((partition) => {
        const offset = committed.get(name)?.get(partition);
        return {
          partition,
          offset: offset?.offset ?? -1,
          metadata: offset === undefined ? '' : offset.metadata,
          errorCode: ErrorCode.None,
        };
      }),
    }));
    return { throttleTimeMs: 0, topics, errorCode: ErrorCode.None };
  }

  describeGroup(groupId: string): DescribedGroup {
    const group = this.groups.get(groupId);
    if (group === undefined) {
      const state = this.options.offsets.hasOffsets(groupId) ? 'Empty' : 'Dead';
      return { errorCode: ErrorCode.None, groupId, state, protocolType: '', protocol: '', members: [] };
    }
    const stable = group.state === 'Stable';
    const protocol = stable ? (group.protocolName ?? '') : '';
    return {
      errorCode: ErrorCode.None,
      groupId,
      state: group.state,
      protocolType: group.protocolType ?? '',
      protocol,
      members: [...group.members.values()].map((m) => ({
        memberId: m.memberId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        metadata: stable ? m.metadataFor(protocol) : Buffer.alloc(0),
        assignment: stable ? m.assignment : Buffer.alloc(0),
      })),
    };
  }

  /** Every group the coordinator knows, including empty groups that only hold offsets. */
  listGroups(): { groupId: string; protocolType: string }[] {
    const ids = new Set([...this.groups.keys(), ...this.options.offsets.groupIds()]);
    return [...ids].sort().map((groupId) => ({ groupId, protocolType: this.groups.get(groupId)?.protocolType ?? '' }));
  }

  /** Cancels every timer; parked requests are dropped with their connections. */
  close(): void {
    this.closed = true;
    for (const group of this.groups.values()) {
      this.clearJoinTimer(group);
      for (const timer of group.pendingMembers.values()) clearTimeout(timer);
      group.pendingMembers.clear();
      for (const member of group.members.values()) this.clearSessionExpiry(member);
    }
  }
}
