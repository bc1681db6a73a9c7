import * as net from 'node:net';
import { GroupCoordinator } from './group/group-coordinator';
import { OffsetStore } from './group/offset-store';
import { FileStorage, MemoryStorage, type BrokerStorage } from './log/storage';
import { TopicRegistry } from './log/topic-registry';
import { frameResponse } from './protocol/header';
import { MalformedFrameError } from './protocol/wire';
import { RequestHandler } from './request-handler';

export interface DevBrokerOptions {
  /** Port to listen on; 0 picks a free one (default 9092). */
  port?: number;
  /** Interface to listen on (default 127.0.0.1). */
  host?: string;
  /** Host name clients are told to connect to (default: `host`, or 127.0.0.1 when listening on every interface). */
  advertisedHost?: string;
  /** Directory for persisted topics, offsets and producer ids; absent keeps everything in memory. */
  dataDir?: string;
  /** Create unknown topics on Metadata requests that allow it (default true, as Kafka's default). */
  autoCreateTopics?: boolean;
  /** Partitions of auto-created topics and of CreateTopics with numPartitions -1 (default 3). */
  defaultPartitions?: number;
  /** group.initial.rebalance.delay.ms (default 0 here; Kafka's default is 3000). */
  groupInitialRebalanceDelayMs?: number;
  /** Largest request frame accepted; larger ones close the connection (default 100 MiB, Kafka's socket.request.max.bytes). */
  maxFrameBytes?: number;
  /** Largest record batch accepted (default 1048588, Kafka's message.max.bytes). */
  maxBatchBytes?: number;
  /** Receives one line per notable event (default: silent). */
  logger?: (line: string) => void;
}

export interface DevBroker {
  /** Bootstrap list for kafkajs, with the port actually bound. */
  brokers: string[];
  port: number;
  stop(): Promise<void>;
}

const NODE_ID = 1;
const CLUSTER_ID = 'fieldforce-dev-broker';
const DEFAULT_MAX_FRAME_BYTES = 100 * 1024 * 1024;
const DEFAULT_MAX_BATCH_BYTES = 1048588;
/** apiKey + apiVersion + correlationId + clientId length: the smallest possible request. */
const MIN_FRAME_BYTES = 10;

/** Splits a TCP stream into size-prefixed frames, answering them one at a time and in order. */
class ClientConnection {
  private readonly chunks: Buffer[] = [];
  private buffered = 0;
  private expectedFrameBytes = -1;
  private readonly queue: Buffer[] = [];
  private processing = false;
  private readonly clientHost: string;

  constructor(
    private readonly socket: net.Socket,
    private readonly handler: RequestHandler,
    private readonly maxFrameBytes: number,
    private readonly log: (line: string) => void,
  ) {
    this.clientHost = `/${socket.remoteAddress ?? 'unknown'}`;
    socket.setNoDelay(true);
    socket.on('data', (chunk) => this.receive(chunk));
    socket.on('error', () => socket.destroy());
  }

  private receive(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    for (;;) {
      if (this.expectedFrameBytes < 0) {
        if (this.buffered < 4) return;
        const size = this.take(4).readInt32BE(0);
        if (size < MIN_FRAME_BYTES || size > this.maxFrameBytes) {
          this.close(`frame size ${size} is outside ${MIN_FRAME_BYTES}..${this.maxFrameBytes} bytes`);
          return;
        }
        this.expectedFrameBytes = size;
      }
      if (this.buffered < this.expectedFrameBytes) return;
      this.queue.push(this.take(this.expectedFrameBytes));
      this.expectedFrameBytes = -1;
      if (!this.processing) void this.processQueue();
    }
  }

  private take(length: number): Buffer {
    const first = this.chunks[0]!;
    let taken: Buffer;
    if (first.length >= length) {
      taken = first.subarray(0, length);
      if (first.length === length) this.chunks.shift();
      else this.chunks[0] = first.subarray(length);
    } else {
      const joined = Buffer.concat(this.chunks, this.buffered);
      taken = joined.subarray(0, length);
      this.chunks.length = 0;
      if (joined.length > length) this.chunks.push(joined.subarray(length));
    }
    this.buffered -= length;
    return taken;
  }

  /** Kafka handles one request per connection at a time; doing the same keeps responses in order. */
  private async processQueue(): Promise<void> {
    this.processing = true;
    try {
      for (let frame = this.queue.shift(); frame !== undefined && !this.socket.destroyed; frame = this.queue.shift()) {
        const { header, response } = await this.handler.handle(frame, this.clientHost);
        if (response === null || this.socket.destroyed) continue;
        const chunks = frameResponse(header.correlationId, response);
        this.socket.cork();
        let flushed = true;
        for (const chunk of chunks) flushed = this.socket.write(chunk);
        this.socket.uncork();
        if (!flushed) await new Promise<void>((resolve) => this.socket.once('drain', resolve).once('close', resolve));
      }
    } catch (error) {
      if (error instanceof MalformedFrameError) this.close(error.message);
      else this.close(`internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    } finally {
      this.processing = false;
    }
  }

  close(reason: string): void {
    if (this.socket.destroyed) return;
    this.log(`closing connection from ${this.clientHost}:${this.socket.remotePort ?? '?'}: ${reason}`);
    this.queue.length = 0;
    this.socket.destroy();
  }
}

/** Starts a single-node broker speaking the Kafka wire protocol, for development and tests. */
export async function startDevBroker(options: DevBrokerOptions = {}): Promise<DevBroker> {
  const log = options.logger ?? (() => undefined);
  const host = options.host ?? '127.0.0.1';
  const storage: BrokerStorage = options.dataDir === undefined ? new MemoryStorage() : new FileStorage(options.dataDir, log);
  let topics: TopicRegistry;
  let offsets: OffsetStore;
  try {
    topics = new TopicRegistry(storage);
    offsets = new OffsetStore(storage);
  } catch (error) {
    storage.close();
    throw error;
  }
  const groups = new GroupCoordinator({
    initialRebalanceDelayMs: options.groupInitialRebalanceDelayMs ?? 0,
    offsets,
    partitionExists: (topic, partition) => topics.partition(topic, partition) !== undefined,
    log,
  });
  const server = net.createServer();
  const advertisedHost = options.advertisedHost ?? (host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host);
  let boundPort = 0;
  const handler = new RequestHandler(
    { topics, groups, offsets, storage },
    {
      nodeId: NODE_ID,
      clusterId: CLUSTER_ID,
      advertised: () => ({ host: advertisedHost, port: boundPort }),
      autoCreateTopics: options.autoCreateTopics ?? true,
      defaultPartitions: options.defaultPartitions ?? 3,
      maxBatchBytes: options.maxBatchBytes ?? DEFAULT_MAX_BATCH_BYTES,
      log,
    },
  );
  const sockets = new Set<net.Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    new ClientConnection(socket, handler, options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES, log);
  });

  const closeState = (): void => {
    handler.stop();
    groups.close();
    topics.close();
    storage.close();
  };

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 9092, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    closeState();
    throw error;
  }
  const address = server.address() as net.AddressInfo;
  boundPort = address.port;
  const storageNote = options.dataDir === undefined ? 'in memory' : `data in ${options.dataDir}`;
  log(`listening on ${host}:${boundPort}, advertised as ${advertisedHost}:${boundPort} (${storageNote})`);

  let stopped: Promise<void> | null = null;
  return {
    brokers: [`${advertisedHost}:${boundPort}`],
    port: boundPort,
    stop: () => {
      stopped ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
        closeState();
        log('stopped');
      });
      return stopped;
    },
  };
}
