import { array, int16, int32, string, struct, type Infer } from '../schema';

/** DeleteTopics v1 request. */
export const deleteTopicsRequestV1 = struct({ topicNames: array(string), timeoutMs: int32 });
export type DeleteTopicsRequest = Infer<typeof deleteTopicsRequestV1>;

export const deleteTopicsResponseV1 = struct({
  throttleTimeMs: int32,
  topics: array(struct({ name: string, errorCode: int16 })),
});
export type DeleteTopicsResponse = Infer<typeof deleteTopicsResponseV1>;
