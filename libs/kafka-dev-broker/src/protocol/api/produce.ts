import { array, int16, int32, int64, nullableString, records, string, struct, type Infer } from '../schema';

/** Produce v7 request; each partition's record set holds one or more magic-2 record batches. */
export const produceRequestV7 = struct({
  transactionalId: nullableString,
  acks: int16,
  timeoutMs: int32,
  topics: array(
    struct({
      name: string,
      partitions: array(struct({ partition: int32, records: records })),
    }),
  ),
});
export type ProduceRequest = Infer<typeof produceRequestV7>;

export const producePartitionResponse = struct({
  partition: int32,
  errorCode: int16,
  baseOffset: int64,
  logAppendTimeMs: int64,
  logStartOffset: int64,
});
export type ProducePartitionResponse = Infer<typeof producePartitionResponse>;

export const produceResponseV7 = struct({
  topics: array(struct({ name: string, partitions: array(producePartitionResponse) })),
  throttleTimeMs: int32,
});
export type ProduceResponse = Infer<typeof produceResponseV7>;
