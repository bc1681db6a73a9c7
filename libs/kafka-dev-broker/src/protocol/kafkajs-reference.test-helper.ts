import { decode, type Codec } from './schema';
import { Reader, Writer } from './wire';

// kafkajs's own protocol encoders and decoders, loaded from its sources: the reference the codec
// specs compare against. They have no type declarations, hence the narrow shapes below.
interface KafkajsEncoder {
  buffer: Buffer;
}
interface KafkajsRequest {
  apiKey: number;
  apiVersion: number;
  encode(): Promise<KafkajsEncoder>;
}
type KafkajsRequestFactory = (args?: object) => KafkajsRequest;
interface KafkajsResponseModule {
  decode(raw: Buffer): Promise<unknown>;
  parse(decoded: unknown): Promise<unknown>;
}

function kafkajsModule<T extends object>(path: string): T {
  return jest.requireActual<T>(`kafkajs/src/protocol/${path}`);
}

/** The body kafkajs encodes for `api` (its folder name) at `version`. */
export async function kafkajsRequestBody(api: string, version: number, args?: object): Promise<{ apiKey: number; body: Buffer }> {
  const request = kafkajsModule<KafkajsRequestFactory>(`requests/${api}/v${version}/request`)(args);
  expect(request.apiVersion).toBe(version);
  return { apiKey: request.apiKey, body: (await request.encode()).buffer };
}

/** A whole request frame as kafkajs puts it on the wire: size, header v1, body. */
export async function kafkajsRequestFrame(api: string, version: number, correlationId: number, clientId: string, args?: object): Promise<Buffer> {
  const createRequest = kafkajsModule<(options: object) => Promise<KafkajsEncoder>>('request');
  const request = kafkajsModule<KafkajsRequestFactory>(`requests/${api}/v${version}/request`)(args);
  return (await createRequest({ correlationId, clientId, request })).buffer;
}

/** Decodes a response body with kafkajs, then runs kafkajs's error check (`parse`) on it. */
export async function kafkajsDecodeResponse(api: string, version: number, body: Buffer): Promise<unknown> {
  const response = kafkajsModule<KafkajsResponseModule>(`requests/${api}/v${version}/response`);
  return response.parse(await response.decode(body));
}

/** Decodes a response body with kafkajs without its error check. */
export async function kafkajsDecodeOnly(api: string, version: number, body: Buffer): Promise<unknown> {
  return kafkajsModule<KafkajsResponseModule>(`requests/${api}/v${version}/response`).decode(body);
}

/** A magic-2 record batch built by kafkajs's encoder. */
export async function kafkajsRecordBatch(options: object): Promise<Buffer> {
  const { RecordBatch } = kafkajsModule<{ RecordBatch: (o: object) => Promise<KafkajsEncoder> }>('recordBatch/v0');
  return (await RecordBatch(options)).buffer;
}

/** A record as kafkajs encodes it inside a batch. */
export function kafkajsRecord(options: object): KafkajsEncoder {
  return kafkajsModule<(o: object) => KafkajsEncoder>('recordBatch/record/v0')(options);
}

export function encodeWith<T>(codec: Codec<T>, value: T): Buffer {
  const writer = new Writer();
  codec.write(writer, value);
  return writer.toBuffer();
}

export function decodeWith<T>(codec: Codec<T>, bytes: Buffer): T {
  return decode(codec, new Reader(bytes), 'test value');
}
