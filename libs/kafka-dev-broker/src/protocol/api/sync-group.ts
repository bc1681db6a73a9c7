import { array, bytes, int16, int32, nullableString, string, struct, type Infer } from '../schema';

/** SyncGroup v3 request: only the leader sends assignments. */
export const syncGroupRequestV3 = struct({
  groupId: string,
  generationId: int32,
  memberId: string,
  groupInstanceId: nullableString,
  assignments: array(struct({ memberId: string, assignment: bytes })),
});
export type SyncGroupRequest = Infer<typeof syncGroupRequestV3>;

export const syncGroupResponseV3 = struct({ throttleTimeMs: int32, errorCode: int16, assignment: bytes });
export type SyncGroupResponse = Infer<typeof syncGroupResponseV3>;
