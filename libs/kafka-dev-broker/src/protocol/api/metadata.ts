import { array, boolean, int16, int32, nullableArray, nullableString, string, struct, type Infer } from '../schema';

/** Metadata v6 request: a null topic list means every topic. */
export const metadataRequestV6 = struct({
  topics: nullableArray(string),
  allowAutoTopicCreation: boolean,
});
export type MetadataRequest = Infer<typeof metadataRequestV6>;

const partitionMetadata = struct({
  errorCode: int16,
  partition: int32,
  leader: int32,
  replicas: array(int32),
  isr: array(int32),
  offlineReplicas: array(int32),
});

const topicMetadata = struct({
  errorCode: int16,
  name: string,
  isInternal: boolean,
  partitions: array(partitionMetadata),
});

export const metadataResponseV6 = struct({
  throttleTimeMs: int32,
  brokers: array(struct({ nodeId: int32, host: string, port: int32, rack: nullableString })),
  clusterId: nullableString,
  controllerId: int32,
  topics: array(topicMetadata),
});
export type MetadataResponse = Infer<typeof metadataResponseV6>;
