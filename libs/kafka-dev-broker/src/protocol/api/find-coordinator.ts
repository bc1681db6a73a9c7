import { int16, int32, int8, nullableString, string, struct, type Infer } from '../schema';

/** FindCoordinator v2 request: key type 0 is a consumer group, 1 a transactional id. */
export const findCoordinatorRequestV2 = struct({ key: string, keyType: int8 });
export type FindCoordinatorRequest = Infer<typeof findCoordinatorRequestV2>;

export const findCoordinatorResponseV2 = struct({
  throttleTimeMs: int32,
  errorCode: int16,
  errorMessage: nullableString,
  nodeId: int32,
  host: string,
  port: int32,
});
export type FindCoordinatorResponse = Infer<typeof findCoordinatorResponseV2>;
