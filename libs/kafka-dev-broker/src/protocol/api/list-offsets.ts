import { array, int16, int32, int64, int8, string, struct, type Infer } from '../schema';

/** ListOffsets v3 request: timestamp -1 asks for the log end, -2 for the log start. */
export const listOffsetsRequestV3 = struct({
  replicaId: int32,
  isolationLevel: int8,
  topics: array(struct({ name: string, partitions: array(struct({ partition: int32, timestamp: int64 })) })),
});
export type ListOffsetsRequest = Infer<typeof listOffsetsRequestV3>;

export const listOffsetsResponseV3 = struct({
  throttleTimeMs: int32,
  topics: array(
    struct({
      name: string,
      partitions: array(struct({ partition: int32, errorCode: int16, timestamp: int64, offset: int64 })),
    }),
  ),
});
export type ListOffsetsResponse = Infer<typeof listOffsetsResponseV3>;
