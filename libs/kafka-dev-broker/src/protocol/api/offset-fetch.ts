import { array, int16, int32, int64, nullableArray, nullableString, string, struct, type Infer } from '../schema';

/** OffsetFetch v4 request: a null topic list asks for every committed offset of the group. */
export const offsetFetchRequestV4 = struct({
  groupId: string,
  topics: nullableArray(struct({ name: string, partitions: array(int32) })),
});
export type OffsetFetchRequest = Infer<typeof offsetFetchRequestV4>;

export const offsetFetchResponseV4 = struct({
  throttleTimeMs: int32,
  topics: array(
    struct({
      name: string,
      partitions: array(
        struct({ partition: int32, offset: int64, metadata: nullableString, errorCode: int16 }),
      ),
    }),
  ),
  errorCode: int16,
});
export type OffsetFetchResponse = Infer<typeof offsetFetchResponseV4>;
