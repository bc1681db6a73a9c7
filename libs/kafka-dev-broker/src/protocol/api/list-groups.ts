import { array, int16, int32, string, struct, type Infer } from '../schema';

/** ListGroups v2 requests have an empty body. */
export const listGroupsRequestV2 = struct({});

export const listGroupsResponseV2 = struct({
  throttleTimeMs: int32,
  errorCode: int16,
  groups: array(struct({ groupId: string, protocolType: string })),
});
export type ListGroupsResponse = Infer<typeof listGroupsResponseV2>;
