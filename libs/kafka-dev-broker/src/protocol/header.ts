import { int16, int32, nullableString, struct, type Infer } from './schema';
import { Writer } from './wire';

/** Request header v1: every request kafkajs 2.2.4 sends uses it (no flexible versions). */
export const requestHeaderV1 = struct({
  apiKey: int16,
  apiVersion: int16,
  correlationId: int32,
  clientId: nullableString,
});
export type RequestHeader = Infer<typeof requestHeaderV1>;

/** Frames a response body: size, correlationId (response header v0), then the body. */
export function frameResponse(correlationId: number, body: Buffer[]): Buffer[] {
  const bodyLength = body.reduce((total, chunk) => total + chunk.length, 0);
  const head = new Writer().int32(4 + bodyLength).int32(correlationId).toBuffer();
  return [head, ...body];
}
