import { array, int16, int32, nullableString, string, struct, type Infer } from '../schema';

/** LeaveGroup v3 request: a batch of members leaving. */
export const leaveGroupRequestV3 = struct({
  groupId: string,
  members: array(struct({ memberId: string, groupInstanceId: nullableString })),
});
export type LeaveGroupRequest = Infer<typeof leaveGroupRequestV3>;

export const leaveGroupResponseV3 = struct({
  throttleTimeMs: int32,
  errorCode: int16,
  members: array(struct({ memberId: string, groupInstanceId: nullableString, errorCode: int16 })),
});
export type LeaveGroupResponse = Infer<typeof leaveGroupResponseV3>;
