import { type ClientIdentity, type GroupCoordinator } from './group/group-coordinator';
import { type OffsetStore } from './group/offset-store';
import { type PartitionLog } from './log/partition-log';
import { type BrokerStorage } from './log/storage';
import { topicNameProblem, type TopicRegistry } from './log/topic-registry';
import { ApiKey, isSupported, SUPPORTED_VERSIONS } from './protocol/api-keys';
import { apiVersionsRequest, apiVersionsResponseV0, apiVersionsResponseV1 } from './protocol/api/api-versions';
import {
  createTopicsRequestV3,
  createTopicsResponseV3,
  type CreateTopicsRequest,
  type CreateTopicsResponse,
} from './protocol/api/create-topics';
import {
  deleteTopicsRequestV1,
  deleteTopicsResponseV1,
  type DeleteTopicsRequest,
  type DeleteTopicsResponse,
} from './protocol/api/delete-topics';
import { describeGroupsRequestV2, describeGroupsResponseV2 } from './protocol/api/describe-groups';
import {
  fetchRequestV11,
  fetchResponseV11,
  type FetchPartitionResponse,
  type FetchRequest,
  type FetchResponse,
} from './protocol/api/fetch';
import {
  findCoordinatorRequestV2,
  findCoordinatorResponseV2,
  type FindCoordinatorRequest,
  type FindCoordinatorResponse,
} from './protocol/api/find-coordinator';
import { heartbeatRequestV3, heartbeatResponseV3 } from './protocol/api/heartbeat';
import {
  initProducerIdRequestV1,
  initProducerIdResponseV1,
  type InitProducerIdRequest,
  type InitProducerIdResponse,
} from './protocol/api/init-producer-id';
import { joinGroupRequestV5, joinGroupResponseV5 } from './protocol/api/join-group';
import { leaveGroupRequestV3, leaveGroupResponseV3 } from './protocol/api/leave-group';
import { listGroupsRequestV2, listGroupsResponseV2 } from './protocol/api/list-groups';
import {
  listOffsetsRequestV3,
  listOffsetsResponseV3,
  type ListOffsetsRequest,
  type ListOffsetsResponse,
} from './protocol/api/list-offsets';
import {
  metadataRequestV6,
  metadataResponseV6,
  type MetadataRequest,
  type MetadataResponse,
} from './protocol/api/metadata';
import { offsetCommitRequestV5, offsetCommitResponseV5 } from './protocol/api/offset-commit';
import { offsetFetchRequestV4, offsetFetchResponseV4 } from './protocol/api/offset-fetch';
import {
  produceRequestV7,
  produceResponseV7,
  type ProducePartitionResponse,
  type ProduceRequest,
  type ProduceResponse,
} from './protocol/api/produce';
import { syncGroupRequestV3, syncGroupResponseV3 } from './protocol/api/sync-group';
import { ErrorCode } from './protocol/error-codes';
import { requestHeaderV1, type RequestHeader } from './protocol/header';
import { parseRecordSet } from './protocol/record-batch';
import { decode, type Codec } from './protocol/schema';
import { MalformedFrameError, Reader, Writer } from './protocol/wire';

/** ListOffsets timestamps that ask for a position rather than a time. */
const LATEST_TIMESTAMP = -1;
const EARLIEST_TIMESTAMP = -2;

export interface RequestHandlerOptions {
  nodeId: number;
  clusterId: string;
  /** The host and port clients are told to connect to. */
  advertised: () => { host: string; port: number };
  autoCreateTopics: boolean;
  defaultPartitions: number;
  maxBatchBytes: number;
  log: (line: string) => void;
}

export interface BrokerState {
  topics: TopicRegistry;
  groups: GroupCoordinator;
  offsets: OffsetStore;
  storage: BrokerStorage;
}

/** A decoded request and its answer: body chunks, or null when the protocol wants no response (acks=0). */
export interface HandledRequest {
  header: RequestHeader;
  response: Buffer[] | null;
}

function encode<T>(codec: Codec<T>, value: T): Buffer[] {
  const writer = new Writer();
  codec.write(writer, value);
  return writer.toChunks();
}

interface RequestContext {
  apiVersion: number;
  client: ClientIdentity;
}

type Route = (reader: Reader, name: string, context: RequestContext) => Promise<Buffer[] | null>;

/** A route that decodes with `request`, runs `answer` and encodes its result with `response`. */
function route<Req, Res>(
  request: Codec<Req>,
  response: Codec<Res>,
  answer: (request: Req, context: RequestContext) => Res | null | Promise<Res | null>,
): Route {
  return async (reader, name, context) => {
    const result = await answer(decode(request, reader, name), context);
    return result === null ? null : encode(response, result);
  };
}

/** Decodes a request frame, runs it against the broker state, and encodes the response body. */
export class RequestHandler {
  private stopping = false;
  private readonly wakeFetches = new Set<() => void>();

  constructor(
    private readonly state: BrokerState,
    private readonly options: RequestHandlerOptions,
  ) {}

  /** Answers every parked fetch now; used when the broker stops. */
  stop(): void {
    this.stopping = true;
    for (const wake of [...this.wakeFetches]) wake();
  }

  async handle(frame: Buffer, clientHost: string): Promise<HandledRequest> {
    const reader = new Reader(frame);
    const header = requestHeaderV1.read(reader);
    const client: ClientIdentity = { clientId: header.clientId ?? '', clientHost };
    const { apiKey, apiVersion } = header;
    if (apiKey === (ApiKey.ApiVersions as number) && apiVersion > 2) {
      // Kafka answers a too-new ApiVersions in the v0 format so the client can retry with an older one.
      const response = encode(apiVersionsResponseV0, { errorCode: ErrorCode.UnsupportedVersion, apiVersions: this.apiVersions() });
      return { header, response };
    }
    if (!isSupported(apiKey, apiVersion)) {
      throw new MalformedFrameError(`unsupported request: api key ${apiKey} version ${apiVersion}`);
    }
    const response = await this.routes[apiKey](reader, ApiKey[apiKey], { apiVersion, client });
    return { header, response };
  }

  /**
   * One entry per served API: decode the request, answer it, encode the response (null: no response).
   * A Record over ApiKey makes a newly advertised API without a route a compile error.
   */
  private readonly routes: Record<ApiKey, Route> = {
    [ApiKey.ApiVersions]: (reader, name, { apiVersion }) => {
      decode(apiVersionsRequest, reader, name);
      const apiVersions = this.apiVersions();
      return Promise.resolve(
        apiVersion === 0
          ? encode(apiVersionsResponseV0, { errorCode: ErrorCode.None, apiVersions })
          : encode(apiVersionsResponseV1, { errorCode: ErrorCode.None, apiVersions, throttleTimeMs: 0 }),
      );
    },
    [ApiKey.Metadata]: route(metadataRequestV6, metadataResponseV6, (request) => this.metadata(request)),
    [ApiKey.Produce]: route(produceRequestV7, produceResponseV7, (request) => {
      const response = this.produce(request);
      return request.acks === 0 ? null : response;
    }),
    [ApiKey.Fetch]: route(fetchRequestV11, fetchResponseV11, (request) => this.fetch(request)),
    [ApiKey.ListOffsets]: route(listOffsetsRequestV3, listOffsetsResponseV3, (request) => this.listOffsets(request)),
    [ApiKey.FindCoordinator]: route(findCoordinatorRequestV2, findCoordinatorResponseV2, (request) =>
      this.findCoordinator(request),
    ),
    [ApiKey.JoinGroup]: route(joinGroupRequestV5, joinGroupResponseV5, (request, { client }) =>
      this.state.groups.joinGroup(request, client),
    ),
    [ApiKey.SyncGroup]: route(syncGroupRequestV3, syncGroupResponseV3, (request) => this.state.groups.syncGroup(request)),
    [ApiKey.Heartbeat]: route(heartbeatRequestV3, heartbeatResponseV3, (request) => ({
      throttleTimeMs: 0,
      errorCode: this.state.groups.heartbeat(request),
    })),
    [ApiKey.LeaveGroup]: route(leaveGroupRequestV3, leaveGroupResponseV3, (request) => this.state.groups.leaveGroup(request)),
    [ApiKey.OffsetCommit]: route(offsetCommitRequestV5, offsetCommitResponseV5, (request) =>
      this.state.groups.commitOffsets(request),
    ),
    [ApiKey.OffsetFetch]: route(offsetFetchRequestV4, offsetFetchResponseV4, (request) =>
      this.state.groups.fetchOffsets(request),
    ),
    [ApiKey.DescribeGroups]: route(describeGroupsRequestV2, describeGroupsResponseV2, ({ groupIds }) => ({
      throttleTimeMs: 0,
      groups: groupIds.map((groupId) => this.state.groups.describeGroup(groupId)),
    })),
    [ApiKey.ListGroups]: route(listGroupsRequestV2, listGroupsResponseV2, () => ({
      throttleTimeMs: 0,
      errorCode: ErrorCode.None,
      groups: this.state.groups.listGroups(),
    })),
    [ApiKey.CreateTopics]: route(createTopicsRequestV3, createTopicsResponseV3, (request) => this.createTopics(request)),
    [ApiKey.DeleteTopics]: route(deleteTopicsRequestV1, deleteTopicsResponseV1, (request) => this.deleteTopics(request)),
    [ApiKey.InitProducerId]: route(initProducerIdRequestV1, initProducerIdResponseV1, (request) =>
      this.initProducerId(request),
    ),
  };

  private apiVersions(): { apiKey: number; minVersion: number; maxVersion: number }[] {
    return [...SUPPORTED_VERSIONS].map(([apiKey, { min, max }]) => ({ apiKey, minVersion: min, maxVersion: max }));
  }

  private metadata(request: MetadataRequest): MetadataResponse {
    const { nodeId } = this.options;
    const { host, port } = this.options.advertised();
    const names = request.topics ?? this.state.topics.names();
    const topics = names.map((name) => {
      let logs = this.state.topics.get(name);
      if (logs === undefined) {
        const problem = topicNameProblem(name);
        if (problem !== null) return { errorCode: ErrorCode.InvalidTopic, name, isInternal: false, partitions: [] };
        if (!this.options.autoCreateTopics || !request.allowAutoTopicCreation) {
          return { errorCode: ErrorCode.UnknownTopicOrPartition, name, isInternal: false, partitions: [] };
        }
        logs = this.state.topics.create(name, this.options.defaultPartitions);
        this.options.log(`auto-created topic ${name} with ${logs.length} partition(s)`);
      }
      return {
        errorCode: ErrorCode.None,
        name,
        isInternal: false,
        partitions: logs.map((log) => ({
          errorCode: ErrorCode.None,
          partition: log.partition,
          leader: nodeId,
          replicas: [nodeId],
          isr: [nodeId],
          offlineReplicas: [],
        })),
      };
    });
    return {
      throttleTimeMs: 0,
      brokers: [{ nodeId, host, port, rack: null }],
      clusterId: this.options.clusterId,
      controllerId: nodeId,
      topics,
    };
  }

  private produce(request: ProduceRequest): ProduceResponse {
    const requestError =
      request.transactionalId !== null
        ? ErrorCode.InvalidRequest
        : [-1, 0, 1].includes(request.acks)
          ? ErrorCode.None
          : ErrorCode.InvalidRequiredAcks;
    const topics = request.topics.map((topic) => ({
      name: topic.name,
      partitions: topic.partitions.map(({ partition, records }): ProducePartitionResponse => {
        const result = (errorCode: ErrorCode, baseOffset = -1): ProducePartitionResponse => ({
          partition,
          errorCode,
          baseOffset,
          logAppendTimeMs: -1,
          logStartOffset: 0,
        });
        if (requestError !== ErrorCode.None) return result(requestError);
        const log = this.state.topics.partition(topic.name, partition);
        if (log === undefined) return result(ErrorCode.UnknownTopicOrPartition);
        const recordSet = records === null ? null : (records[0] ?? null);
        if (recordSet === null) return result(ErrorCode.CorruptMessage);
        const parsed = parseRecordSet(recordSet, this.options.maxBatchBytes);
        if (!parsed.ok) {
          this.options.log(`produce to ${topic.name}-${partition} rejected: ${parsed.reason}`);
          return result(parsed.errorCode);
        }
        const appended = log.append(parsed.batches);
        if (appended.errorCode !== ErrorCode.None) {
          this.options.log(`produce to ${topic.name}-${partition} rejected: ${'reason' in appended ? appended.reason : ''}`);
        }
        return result(appended.errorCode, appended.baseOffset);
      }),
    }));
    return { topics, throttleTimeMs: 0 };
  }

  /** Long-polls until minBytes are available, a partition errs, maxWait passes or the broker stops. */
  private async fetch(request: FetchRequest): Promise<FetchResponse> {
    if (request.sessionId !== 0) {
      return { throttleTimeMs: 0, errorCode: ErrorCode.FetchSessionIdNotFound, sessionId: 0, topics: [] };
    }
    const deadline = Date.now() + Math.max(0, request.maxWaitMs);
    for (;;) {
      const { response, bytes, hasError, logs } = this.readFetch(request);
      const waitMs = deadline - Date.now();
      if (bytes >= request.minBytes || hasError || waitMs <= 0 || this.stopping) return response;
      await this.waitForAppend(logs, waitMs);
    }
  }

  private readFetch(request: FetchRequest): { response: FetchResponse; bytes: number; hasError: boolean; logs: PartitionLog[] } {
    let bytes = 0;
    let hasError = false;
    const logs: PartitionLog[] = [];
    const topics = request.topics.map((topic) => ({
      name: topic.name,
      partitions: topic.partitions.map(({ partition, fetchOffset, partitionMaxBytes }): FetchPartitionResponse => {
        const log = this.state.topics.partition(topic.name, partition);
        const answer = (errorCode: ErrorCode, chunks: Buffer[] = []): FetchPartitionResponse => ({
          partition,
          errorCode,
          highWatermark: log?.logEndOffset ?? -1,
          lastStableOffset: log?.logEndOffset ?? -1,
          logStartOffset: log?.logStartOffset ?? -1,
          abortedTransactions: [],
          preferredReadReplica: -1,
          records: chunks,
        });
        if (log === undefined) {
          hasError = true;
          return answer(ErrorCode.UnknownTopicOrPartition);
        }
        if (fetchOffset < log.logStartOffset || fetchOffset > log.logEndOffset) {
          hasError = true;
          return answer(ErrorCode.OffsetOutOfRange);
        }
        logs.push(log);
        const limit = Math.min(partitionMaxBytes, request.maxBytes - bytes);
        const read = log.read(fetchOffset, Math.max(0, limit), bytes === 0);
        bytes += read.bytes;
        return answer(ErrorCode.None, read.chunks);
      }),
    }));
    return { response: { throttleTimeMs: 0, errorCode: ErrorCode.None, sessionId: 0, topics }, bytes, hasError, logs };
  }

  private waitForAppend(logs: readonly PartitionLog[], timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const unsubscribe = logs.map((log) => log.onAppend(wake));
      const timer = setTimeout(wake, timeoutMs);
      const wakeFetches = this.wakeFetches;
      wakeFetches.add(wake);
      function wake(): void {
        clearTimeout(timer);
        for (const stop of unsubscribe) stop();
        wakeFetches.delete(wake);
        resolve();
      }
    });
  }

  private listOffsets(request: ListOffsetsRequest): ListOffsetsResponse {
    const topics = request.topics.map((topic) => ({
      name: topic.name,
      partitions: topic.partitions.map(({ partition, timestamp }) => {
        const log = this.state.topics.partition(topic.name, partition);
        const answer = (offset: number, at = -1, errorCode = ErrorCode.None) => ({ partition, errorCode, timestamp: at, offset });
        if (log === undefined) return answer(-1, -1, ErrorCode.UnknownTopicOrPartition);
        if (timestamp === LATEST_TIMESTAMP) return answer(log.logEndOffset);
        if (timestamp === EARLIEST_TIMESTAMP) return answer(log.logStartOffset);
        const found = log.offsetForTimestamp(timestamp);
        return found === null ? answer(-1) : answer(found.offset, found.timestamp);
      }),
    }));
    return { throttleTimeMs: 0, topics };
  }

  private findCoordinator(request: FindCoordinatorRequest): FindCoordinatorResponse {
    const { host, port } = this.options.advertised();
    if (request.keyType !== 0 && request.keyType !== 1) {
      const errorMessage = `unknown key type ${request.keyType}`;
      return { throttleTimeMs: 0, errorCode: ErrorCode.InvalidRequest, errorMessage, nodeId: -1, host: '', port: -1 };
    }
    return { throttleTimeMs: 0, errorCode: ErrorCode.None, errorMessage: null, nodeId: this.options.nodeId, host, port };
  }

  private createTopics(request: CreateTopicsRequest): CreateTopicsResponse {
    const seen = new Map<string, number>();
    for (const topic of request.topics) seen.set(topic.name, (seen.get(topic.name) ?? 0) + 1);
    const topics = request.topics.map((topic) => {
      const fail = (errorCode: ErrorCode, errorMessage: string): CreateTopicsResponse['topics'][number] => ({
        name: topic.name,
        errorCode,
        errorMessage,
      });
      if ((seen.get(topic.name) ?? 0) > 1) return fail(ErrorCode.InvalidRequest, `Topic ${topic.name} is listed more than once`);
      const problem = topicNameProblem(topic.name);
      if (problem !== null) return fail(ErrorCode.InvalidTopic, problem);
      if (this.state.topics.has(topic.name)) return fail(ErrorCode.TopicAlreadyExists, `Topic '${topic.name}' already exists.`);
      const partitions =
        topic.numPartitions === -1
          ? topic.assignments.length > 0
            ? topic.assignments.length
            : this.options.defaultPartitions
          : topic.numPartitions;
      if (partitions < 1) return fail(ErrorCode.InvalidPartitions, 'Number of partitions must be at least 1');
      // Any replication factor is accepted and served by this one node, so production settings work unchanged.
      if (topic.replicationFactor === 0 || topic.replicationFactor < -1) {
        return fail(ErrorCode.InvalidReplicationFactor, 'Replication factor must be at least 1');
      }
      if (!request.validateOnly) {
        this.state.topics.create(topic.name, partitions);
        this.options.log(`created topic ${topic.name} with ${partitions} partition(s)`);
      }
      return { name: topic.name, errorCode: ErrorCode.None, errorMessage: null };
    });
    return { throttleTimeMs: 0, topics };
  }

  private deleteTopics(request: DeleteTopicsRequest): DeleteTopicsResponse {
    const topics = request.topicNames.map((name) => {
      if (!this.state.topics.delete(name)) return { name, errorCode: ErrorCode.UnknownTopicOrPartition };
      this.state.offsets.forgetTopic(name);
      this.options.log(`deleted topic ${name}`);
      return { name, errorCode: ErrorCode.None };
    });
    return { throttleTimeMs: 0, topics };
  }

  private initProducerId(request: InitProducerIdRequest): InitProducerIdResponse {
    if (request.transactionalId !== null) {
      this.options.log(`transactions are not supported by the dev broker (transactional id ${request.transactionalId})`);
      return { throttleTimeMs: 0, errorCode: ErrorCode.UnsupportedVersion, producerId: -1, producerEpoch: -1 };
    }
    const producerId = this.state.storage.allocateProducerId();
    return { throttleTimeMs: 0, errorCode: ErrorCode.None, producerId, producerEpoch: 0 };
  }
}
