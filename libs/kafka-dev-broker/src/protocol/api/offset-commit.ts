import { array, int16, int32, int64, nullableString, string, struct, type Infer } from '../schema';

/** OffsetCommit v5 request; generation -1 with an empty member id is a commit from outside the group. */
export const offsetCommitRequestV5 = struct({
  groupId: string,
  generationId: int32,
  memberId: string,
  topics: array(
    struct({
      name: string,
      partitions: array(struct({ partition: int32, offset: int64, metadata: nullableString })),
    }),
  ),
});
export type OffsetCommitRequest = Infer<typeof offsetCommitRequestV5>;

export const offsetCommitResponseV5 = struct({
  throttleTimeMs: int32,
  topics: array(struct({ name: string, partitions: array(struct({ partition: int32, errorCode: int16 })) })),
});
export type OffsetCommitResponse = Infer<typeof offsetCommitResponseV5>;
