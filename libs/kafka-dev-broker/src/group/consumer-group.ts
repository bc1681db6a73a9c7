import { type JoinGroupResponse } from '../protocol/api/join-group';
import { type SyncGroupResponse } from '../protocol/api/sync-group';

/** The classic (eager) group states, named as DescribeGroups reports them. */
export type GroupState = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable';

export interface MemberProtocol {
  name: string;
  metadata: Buffer;
}

/** One member of a consumer group, with the requests it has parked at the coordinator. */
export class GroupMember {
  assignment: Buffer = Buffer.alloc(0);
  joinWaiter: ((response: JoinGroupResponse) => void) | null = null;
  syncWaiter: ((response: SyncGroupResponse) => void) | null = null;
  sessionTimer: NodeJS.Timeout | null = null;

  constructor(
    readonly memberId: string,
    readonly groupInstanceId: string | null,
    readonly clientId: string,
    readonly clientHost: string,
    public sessionTimeoutMs: number,
    public rebalanceTimeoutMs: number,
    public protocols: MemberProtocol[],
  ) {}

  /** Whether the member still offers exactly these protocols with the same metadata. */
  hasProtocols(protocols: readonly MemberProtocol[]): boolean {
    return (
      protocols.length === this.protocols.length &&
      protocols.every((p, i) => p.name === this.protocols[i]!.name && p.metadata.equals(this.protocols[i]!.metadata))
    );
  }

  metadataFor(protocolName: string): Buffer {
    return this.protocols.find((p) => p.name === protocolName)?.metadata ?? Buffer.alloc(0);
  }
}

/** A consumer group's membership and rebalance state. */
export class ConsumerGroup {
  state: GroupState = 'Empty';
  generationId = 0;
  protocolType: string | null = null;
  protocolName: string | null = null;
  leaderId: string | null = null;
  readonly members = new Map<string, GroupMember>();
  /** Member ids handed out with MEMBER_ID_REQUIRED, waiting for the member's second JoinGroup. */
  readonly pendingMembers = new Map<string, NodeJS.Timeout>();
  /** Ends the join phase when members are slow to rejoin (rebalance timeout) or the initial delay is over. */
  joinTimer: NodeJS.Timeout | null = null;
  /** True while the initial rebalance delay runs: the join phase then waits even if everyone has joined. */
  initialDelayRunning = false;
  newMemberJoinedDuringDelay = false;

  constructor(readonly groupId: string) {}

  /** Protocols every member supports, in the order the first member prefers them. */
  private commonProtocols(): string[] {
    const members = [...this.members.values()];
    const first = members[0];
    if (first === undefined) return [];
    return first.protocols
      .map((p) => p.name)
      .filter((name) => members.every((m) => m.protocols.some((p) => p.name === name)));
  }

  /** Whether a joining member could share a protocol with everyone already in the group. */
  acceptsProtocols(protocolType: string, protocols: readonly MemberProtocol[]): boolean {
    if (this.members.size === 0) return true;
    if (this.protocolType !== null && this.protocolType !== protocolType) return false;
    const common = this.commonProtocols();
    return protocols.some((p) => common.includes(p.name));
  }

  /** Kafka's choice: among protocols all members support, the one most members list first. */
  selectProtocol(): string {
    const candidates = this.commonProtocols();
    const votes = new Map<string, number>(candidates.map((name) => [name, 0]));
    for (const member of this.members.values()) {
      const preferred = member.protocols.find((p) => votes.has(p.name));
      if (preferred !== undefined) votes.set(preferred.name, (votes.get(preferred.name) ?? 0) + 1);
    }
    let best = candidates[0] ?? '';
    for (const name of candidates) if ((votes.get(name) ?? 0) > (votes.get(best) ?? 0)) best = name;
    return best;
  }

  allMembersJoined(): boolean {
    if (this.pendingMembers.size > 0) return false;
    for (const member of this.members.values()) if (member.joinWaiter === null) return false;
    return true;
  }

  maxRebalanceTimeoutMs(): number {
    let max = 0;
    for (const member of this.members.values()) max = Math.max(max, member.rebalanceTimeoutMs);
    return max;
  }
}
