import { int16, int32, nullableString, string, struct, type Infer } from '../schema';

/** Heartbeat v3 request. */
export const heartbeatRequestV3 = struct({
  groupId: string,
  generationId: int32,
  memberId: string,
  groupInstanceId: nullableString,
});
export type HeartbeatRequest = Infer<typeof heartbeatRequestV3>;

export const heartbeatResponseV3 = struct({ throttleTimeMs: int32, errorCode: int16 });
export type HeartbeatResponse = Infer<typeof heartbeatResponseV3>;
