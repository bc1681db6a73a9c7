import { array, bytes, int16, int32, nullableString, string, struct, type Infer } from '../schema';

/** JoinGroup v5 request (KIP-345 group_instance_id, unused by kafkajs). */
export const joinGroupRequestV5 = struct({
  groupId: string,
  sessionTimeoutMs: int32,
  rebalanceTimeoutMs: int32,
  memberId: string,
  groupInstanceId: nullableString,
  protocolType: string,
  protocols: array(struct({ name: string, metadata: bytes })),
});
export type JoinGroupRequest = Infer<typeof joinGroupRequestV5>;

export const joinGroupResponseV5 = struct({
  throttleTimeMs: int32,
  errorCode: int16,
  generationId: int32,
  protocolName: string,
  leader: string,
  memberId: string,
  members: array(struct({ memberId: string, groupInstanceId: nullableString, metadata: bytes })),
});
export type JoinGroupResponse = Infer<typeof joinGroupResponseV5>;
