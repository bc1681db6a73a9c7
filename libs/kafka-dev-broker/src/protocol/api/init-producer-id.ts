import { int16, int32, int64, nullableString, struct, type Infer } from '../schema';

/** InitProducerId v1 request; a null transactional id asks for an idempotent producer id. */
export const initProducerIdRequestV1 = struct({ transactionalId: nullableString, transactionTimeoutMs: int32 });
export type InitProducerIdRequest = Infer<typeof initProducerIdRequestV1>;

export const initProducerIdResponseV1 = struct({
  throttleTimeMs: int32,
  errorCode: int16,
  producerId: int64,
  producerEpoch: int16,
});
export type InitProducerIdResponse = Infer<typeof initProducerIdResponseV1>;
