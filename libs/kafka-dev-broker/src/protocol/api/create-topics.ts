import { array, boolean, int16, int32, nullableString, string, struct, type Infer } from '../schema';

/** CreateTopics v3 request; numPartitions -1 means the broker default. */
export const createTopicsRequestV3 = struct({
  topics: array(
    struct({
      name: string,
      numPartitions: int32,
      replicationFactor: int16,
      assignments: array(struct({ partition: int32, brokerIds: array(int32) })),
      configs: array(struct({ name: string, value: nullableString })),
    }),
  ),
  timeoutMs: int32,
  validateOnly: boolean,
});
export type CreateTopicsRequest = Infer<typeof createTopicsRequestV3>;

export const createTopicsResponseV3 = struct({
  throttleTimeMs: int32,
  topics: array(struct({ name: string, errorCode: int16, errorMessage: nullableString })),
});
export type CreateTopicsResponse = Infer<typeof createTopicsResponseV3>;
