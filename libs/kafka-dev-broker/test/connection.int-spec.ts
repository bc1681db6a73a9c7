import * as net from 'node:net';
import { startDevBroker, type DevBroker } from '../src';
import { apiVersionsResponseV0, apiVersionsResponseV1 } from '../src/protocol/api/api-versions';
import { metadataRequestV6 } from '../src/protocol/api/metadata';
import { produceRequestV7 } from '../src/protocol/api/produce';
import { kafkajsRecord, kafkajsRecordBatch } from '../src/protocol/kafkajs-reference.test-helper';
import { type Codec } from '../src/protocol/schema';
import { Reader, Writer } from '../src/protocol/wire';
import { kafkaClient } from './kafka-test-kit';

/** A bare TCP client speaking frames, to send what kafkajs never would. */
class RawClient {
  private readonly socket: net.Socket;
  private received = Buffer.alloc(0);
  readonly responses: { correlationId: number; body: Buffer }[] = [];
  readonly closed: Promise<void>;

  constructor(port: number) {
    this.socket = net.connect(port, '127.0.0.1');
    this.socket.on('data', (chunk) => {
      this.received = Buffer.concat([this.received, chunk]);
      while (this.received.length >= 4 && this.received.length >= 4 + this.received.readInt32BE(0)) {
        const size = this.received.readInt32BE(0);
        this.responses.push({ correlationId: this.received.readInt32BE(4), body: this.received.subarray(8, 4 + size) });
        this.received = this.received.subarray(4 + size);
      }
    });
    this.closed = new Promise((resolve) => this.socket.on('close', () => resolve()));
    this.socket.on('error', () => undefined);
  }

  connected(): Promise<void> {
    return new Promise((resolve) => this.socket.once('connect', () => resolve()));
  }

  send(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  async waitForResponses(count: number): Promise<void> {
    const deadline = Date.now() + 5000;
    while (this.responses.length < count) {
      if (Date.now() > deadline) throw new Error(`only ${this.responses.length} of ${count} responses arrived`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  destroy(): void {
    this.socket.destroy();
  }
}

/** A size-prefixed request frame with header v1. */
function frame<T>(apiKey: number, apiVersion: number, correlationId: number, codec?: Codec<T>, body?: T): Buffer {
  const writer = new Writer().int16(apiKey).int16(apiVersion).int32(correlationId).nullableString('raw-client');
  if (codec !== undefined && body !== undefined) codec.write(writer, body);
  const payload = writer.toBuffer();
  return Buffer.concat([new Writer().int32(payload.length).toBuffer(), payload]);
}

const metadataFrame = (correlationId: number): Buffer =>
  frame(3, 6, correlationId, metadataRequestV6, { topics: [], allowAutoTopicCreation: false });

describe('DevBroker connection handling', () => {
  let broker: DevBroker;
  const logLines: string[] = [];

  beforeAll(async () => {
    broker = await startDevBroker({ port: 0, maxFrameBytes: 64 * 1024, logger: (line) => logLines.push(line) });
  });

  afterAll(async () => {
    await broker.stop();
  });

  it('answers pipelined requests in order and sends nothing for acks=0', async () => {
    const batch = await kafkajsRecordBatch({ records: [kafkajsRecord({ value: 'quiet' })] });
    const client = new RawClient(broker.port);
    await client.connected();
    client.send(
      Buffer.concat([
        metadataFrame(11),
        frame(0, 7, 12, produceRequestV7, { transactionalId: null, acks: 0, timeoutMs: 1000, topics: [{ name: 'pipelined', partitions: [{ partition: 0, records: [batch] }] }] }),
        frame(18, 2, 13),
        metadataFrame(14),
      ]),
    );
    await client.waitForResponses(3);
    expect(client.responses.map((r) => r.correlationId)).toEqual([11, 13, 14]);
    client.destroy();
  });

  it('answers a too-new ApiVersions with UNSUPPORTED_VERSION in the v0 format, listing what it serves', async () => {
    const client = new RawClient(broker.port);
    await client.connected();
    client.send(frame(18, 3, 21));
    client.send(frame(18, 2, 22));
    await client.waitForResponses(2);
    const tooNew = apiVersionsResponseV0.read(new Reader(client.responses[0]!.body));
    expect(tooNew.errorCode).toBe(35);
    expect(tooNew.apiVersions).toContainEqual({ apiKey: 18, minVersion: 0, maxVersion: 2 });
    const served = apiVersionsResponseV1.read(new Reader(client.responses[1]!.body));
    expect(served.errorCode).toBe(0);
    expect(served.apiVersions.map((v) => [v.apiKey, v.maxVersion])).toEqual(
      expect.arrayContaining([[0, 7], [1, 11], [2, 3], [3, 6], [8, 5], [9, 4], [10, 2], [11, 5], [12, 3], [13, 3], [14, 3], [15, 2], [16, 2], [19, 3], [20, 1], [22, 1]]),
    );
    expect(served.apiVersions).toHaveLength(17);
    client.destroy();
  });

  it.each([
    { what: 'a body cut short', bytes: () => Buffer.concat([new Writer().int32(14).toBuffer(), new Writer().int16(3).int16(6).int32(1).nullableString('x').int8(0).int16(0).toBuffer()]), reason: /frame too short/ },
    { what: 'a frame over the size limit', bytes: () => new Writer().int32(10_000_000).toBuffer(), reason: /frame size 10000000/ },
    { what: 'a negative frame size', bytes: () => new Writer().int32(-5).toBuffer(), reason: /frame size -5/ },
    { what: 'an API the broker does not serve', bytes: () => frame(24, 1, 1), reason: /unsupported request: api key 24 version 1/ },
  ])('closes only the connection that sent $what, and keeps serving kafkajs', async ({ bytes, reason }) => {
    const kafka = kafkaClient(broker.brokers);
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'still-served', numPartitions: 1 }] });

    const client = new RawClient(broker.port);
    await client.connected();
    client.send(bytes());
    await client.closed;

    expect(logLines.some((line) => reason.test(line))).toBe(true);
    expect(await admin.listTopics()).toContain('still-served');
    await admin.disconnect();
  });

  it('closes a connection whose request body has bytes its schema does not account for', async () => {
    const client = new RawClient(broker.port);
    await client.connected();
    const valid = frame(18, 2, 1);
    const padded = Buffer.concat([new Writer().int32(valid.length - 4 + 3).toBuffer(), valid.subarray(4), Buffer.from([1, 2, 3])]);
    client.send(padded);
    await client.closed;
    expect(logLines.some((line) => /3 unexpected trailing bytes after ApiVersions/.test(line))).toBe(true);
  });
});
