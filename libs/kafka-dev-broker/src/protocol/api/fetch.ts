import { array, int16, int32, int64, int8, nullableArray, records, string, struct, type Infer } from '../schema';

/** Fetch v11 request (KIP-227 session fields, KIP-392 rack id). */
export const fetchRequestV11 = struct({
  replicaId: int32,
  maxWaitMs: int32,
  minBytes: int32,
  maxBytes: int32,
  isolationLevel: int8,
  sessionId: int32,
  sessionEpoch: int32,
  topics: array(
    struct({
      name: string,
      partitions: array(
        struct({
          partition: int32,
          currentLeaderEpoch: int32,
          fetchOffset: int64,
          logStartOffset: int64,
          partitionMaxBytes: int32,
        }),
      ),
    }),
  ),
  forgottenTopics: array(struct({ name: string, partitions: array(int32) })),
  rackId: string,
});
export type FetchRequest = Infer<typeof fetchRequestV11>;

export const fetchPartitionResponse = struct({
  partition: int32,
  errorCode: int16,
  highWatermark: int64,
  lastStableOffset: int64,
  logStartOffset: int64,
  abortedTransactions: nullableArray(struct({ producerId: int64, firstOffset: int64 })),
  preferredReadReplica: int32,
  records: records,
});
export type FetchPartitionResponse = Infer<typeof fetchPartitionResponse>;

export const fetchResponseV11 = struct({
  throttleTimeMs: int32,
  errorCode: int16,
  sessionId: int32,
  topics: array(struct({ name: string, partitions: array(fetchPartitionResponse) })),
});
export type FetchResponse = Infer<typeof fetchResponseV11>;
