import { array, bytes, int16, int32, string, struct, type Infer } from '../schema';

/** DescribeGroups v2 request. */
export const describeGroupsRequestV2 = struct({ groupIds: array(string) });
export type DescribeGroupsRequest = Infer<typeof describeGroupsRequestV2>;

export const describedGroup = struct({
  errorCode: int16,
  groupId: string,
  state: string,
  protocolType: string,
  protocol: string,
  members: array(
    struct({
      memberId: string,
      clientId: string,
      clientHost: string,
      metadata: bytes,
      assignment: bytes,
    }),
  ),
});
export type DescribedGroup = Infer<typeof describedGroup>;

export const describeGroupsResponseV2 = struct({ throttleTimeMs: int32, groups: array(describedGroup) });
export type DescribeGroupsResponse = Infer<typeof describeGroupsResponseV2>;
