import { ApiKey } from '../api-keys';
import { requestHeaderV1 } from '../header';
import {
  decodeWith,
  encodeWith,
  kafkajsDecodeOnly,
  kafkajsDecodeResponse,
  kafkajsRecord,
  kafkajsRecordBatch,
  kafkajsRequestBody,
  kafkajsRequestFrame,
} from '../kafkajs-reference.test-helper';
import { type Codec } from '../schema';
import { Reader } from '../wire';
import { apiVersionsResponseV0, apiVersionsResponseV1 } from './api-versions';
import { createTopicsRequestV3, createTopicsResponseV3 } from './create-topics';
import { deleteTopicsRequestV1, deleteTopicsResponseV1 } from './delete-topics';
import { describeGroupsRequestV2, describeGroupsResponseV2 } from './describe-groups';
import { fetchRequestV11, fetchResponseV11 } from './fetch';
import { findCoordinatorRequestV2, findCoordinatorResponseV2 } from './find-coordinator';
import { heartbeatRequestV3, heartbeatResponseV3 } from './heartbeat';
import { initProducerIdRequestV1, initProducerIdResponseV1 } from './init-producer-id';
import { joinGroupRequestV5, joinGroupResponseV5 } from './join-group';
import { leaveGroupRequestV3, leaveGroupResponseV3 } from './leave-group';
import { listGroupsResponseV2 } from './list-groups';
import { listOffsetsRequestV3, listOffsetsResponseV3 } from './list-offsets';
import { metadataRequestV6, metadataResponseV6 } from './metadata';
import { offsetCommitRequestV5, offsetCommitResponseV5 } from './offset-commit';
import { offsetFetchRequestV4, offsetFetchResponseV4 } from './offset-fetch';
import { produceRequestV7, produceResponseV7 } from './produce';
import { syncGroupRequestV3, syncGroupResponseV3 } from './sync-group';

/** Decodes kafkajs's bytes with our codec, and checks our encoder gives back the very same bytes. */
async function expectRequestCodec<T>(codec: Codec<T>, api: string, version: number, args: object, expected: T): Promise<void> {
  const { body } = await kafkajsRequestBody(api, version, args);
  const decoded = decodeWith(codec, body);
  expect(decoded).toEqual(expected);
  expect(encodeWith(codec, decoded)).toEqual(body);
}

/** Encodes with our codec, checks kafkajs reads it as `expected`, and that our decoder round-trips it. */
async function expectResponseCodec<T>(codec: Codec<T>, api: string, version: number, value: T, expected: object): Promise<void> {
  const bytes = encodeWith(codec, value);
  expect(await kafkajsDecodeResponse(api, version, bytes)).toMatchObject(expected);
  expect(decodeWith(codec, bytes)).toEqual(value);
}

describe('request header v1', () => {
  it('reads the header kafkajs writes in front of every request', async () => {
    const frame = await kafkajsRequestFrame('heartbeat', 3, 4242, 'client-é', { groupId: 'g', groupGenerationId: 1, memberId: 'm' });
    const reader = new Reader(frame);
    expect(reader.int32()).toBe(frame.length - 4);
    expect(requestHeaderV1.read(reader)).toEqual({ apiKey: ApiKey.Heartbeat, apiVersion: 3, correlationId: 4242, clientId: 'client-é' });
  });
});

describe('ApiVersions', () => {
  const apiVersions = [
    { apiKey: 0, minVersion: 7, maxVersion: 7 },
    { apiKey: 18, minVersion: 0, maxVersion: 2 },
  ];

  it('sends an empty request body at every version kafkajs tries', async () => {
    for (const version of [0, 1, 2]) {
      expect((await kafkajsRequestBody('apiVersions', version)).body).toEqual(Buffer.alloc(0));
    }
  });

  it('encodes the v0 response kafkajs reads, including the UNSUPPORTED_VERSION answer it retries on', async () => {
    await expectResponseCodec(apiVersionsResponseV0, 'apiVersions', 0, { errorCode: 0, apiVersions }, { errorCode: 0, apiVersions });
    const unsupported = encodeWith(apiVersionsResponseV0, { errorCode: 35, apiVersions });
    await expect(kafkajsDecodeOnly('apiVersions', 2, unsupported)).rejects.toMatchObject({ type: 'UNSUPPORTED_VERSION' });
  });

  it('encodes the v1/v2 response with its throttle time as a fixed byte vector', async () => {
    const bytes = encodeWith(apiVersionsResponseV1, { errorCode: 0, apiVersions: [{ apiKey: 3, minVersion: 6, maxVersion: 6 }], throttleTimeMs: 0 });
    expect(bytes.toString('hex')).toBe('0000' + '00000001' + '0003' + '0006' + '0006' + '00000000');
    await expectResponseCodec(apiVersionsResponseV1, 'apiVersions', 2, { errorCode: 0, apiVersions, throttleTimeMs: 0 }, { apiVersions });
  });
});

describe('Metadata v6', () => {
  it('decodes a topic list and an empty list (kafkajs: all topics) as null', async () => {
    await expectRequestCodec(metadataRequestV6, 'metadata', 6, { topics: ['a', 'b'], allowAutoTopicCreation: false }, {
      topics: ['a', 'b'],
      allowAutoTopicCreation: false,
    });
    await expectRequestCodec(metadataRequestV6, 'metadata', 6, { topics: [] }, { topics: null, allowAutoTopicCreation: true });
  });

  it('encodes brokers, controller and partitions as kafkajs reads them', async () => {
    const value = {
      throttleTimeMs: 0,
      brokers: [{ nodeId: 1, host: '127.0.0.1', port: 9092, rack: null }],
      clusterId: 'dev',
      controllerId: 1,
      topics: [
        {
          errorCode: 0,
          name: 'orders',
          isInternal: false,
          partitions: [{ errorCode: 0, partition: 0, leader: 1, replicas: [1], isr: [1], offlineReplicas: [] }],
        },
      ],
    };
    await expectResponseCodec(metadataResponseV6, 'metadata', 6, value, {
      brokers: [{ nodeId: 1, host: '127.0.0.1', port: 9092, rack: null }],
      clusterId: 'dev',
      controllerId: 1,
      topicMetadata: [
        { topicErrorCode: 0, topic: 'orders', isInternal: false, partitionMetadata: [{ partitionErrorCode: 0, partitionId: 0, leader: 1, replicas: [1], isr: [1] }] },
      ],
    });
  });
});

describe('Produce v7', () => {
  it('decodes the topic, partition and record batch kafkajs sends', async () => {
    const { body } = await kafkajsRequestBody('produce', 7, {
      acks: -1,
      timeout: 30000,
      producerId: 7,
      producerEpoch: 0,
      topicData: [{ topic: 'orders', partitions: [{ partition: 2, firstSequence: 5, messages: [{ key: 'k', value: 'v' }] }] }],
    });
    const decoded = decodeWith(produceRequestV7, body);
    expect(decoded).toMatchObject({ transactionalId: null, acks: -1, timeoutMs: 30000, topics: [{ name: 'orders', partitions: [{ partition: 2 }] }] });
    const batch = decoded.topics[0]!.partitions[0]!.records![0]!;
    expect(batch.readInt8(16)).toBe(2);
    expect(Number(batch.readBigInt64BE(43))).toBe(7);
    expect(batch.readInt32BE(53)).toBe(5);
    expect(encodeWith(produceRequestV7, decoded)).toEqual(body);
  });

  it('encodes per-partition base offsets kafkajs reads', async () => {
    const value = {
      topics: [{ name: 'orders', partitions: [{ partition: 2, errorCode: 0, baseOffset: 41, logAppendTimeMs: -1, logStartOffset: 0 }] }],
      throttleTimeMs: 0,
    };
    await expectResponseCodec(produceResponseV7, 'produce', 7, value, {
      topics: [{ topicName: 'orders', partitions: [{ partition: 2, errorCode: 0, baseOffset: '41', logAppendTime: '-1', logStartOffset: '0' }] }],
    });
  });

  it('reports a partition error code to kafkajs as that protocol error', async () => {
    const bytes = encodeWith(produceResponseV7, {
      topics: [{ name: 'orders', partitions: [{ partition: 0, errorCode: 3, baseOffset: -1, logAppendTimeMs: -1, logStartOffset: 0 }] }],
      throttleTimeMs: 0,
    });
    await expect(kafkajsDecodeResponse('produce', 7, bytes)).rejects.toMatchObject({ type: 'UNKNOWN_TOPIC_OR_PARTITION' });
  });
});

describe('Fetch v11', () => {
  it('decodes every field kafkajs sends, session and rack included', async () => {
    await expectRequestCodec(
      fetchRequestV11,
      'fetch',
      11,
      {
        replicaId: -1,
        maxWaitTime: 500,
        minBytes: 1,
        maxBytes: 10485760,
        isolationLevel: 1,
        topics: [{ topic: 'orders', partitions: [{ partition: 0, fetchOffset: '12', maxBytes: 1048576 }] }],
        rackId: 'rack-a',
      },
      {
        replicaId: -1,
        maxWaitMs: 500,
        minBytes: 1,
        maxBytes: 10485760,
        isolationLevel: 1,
        sessionId: 0,
        sessionEpoch: -1,
        topics: [{ name: 'orders', partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: 12, logStartOffset: -1, partitionMaxBytes: 1048576 }] }],
        forgottenTopics: [],
        rackId: 'rack-a',
      },
    );
  });

  it('encodes stored batches that kafkajs decodes into messages with their offsets', async () => {
    const batch = await kafkajsRecordBatch({
      firstOffset: 40,
      lastOffsetDelta: 1,
      records: [kafkajsRecord({ offsetDelta: 0, key: 'a', value: 'first' }), kafkajsRecord({ offsetDelta: 1, key: 'b', value: 'second' })],
    });
    const value = {
      throttleTimeMs: 0,
      errorCode: 0,
      sessionId: 0,
      topics: [
        {
          name: 'orders',
          partitions: [
            {
              partition: 0,
              errorCode: 0,
              highWatermark: 42,
              lastStableOffset: 42,
              logStartOffset: 0,
              abortedTransactions: [],
              preferredReadReplica: -1,
              records: [batch],
            },
          ],
        },
      ],
    };
    const bytes = encodeWith(fetchResponseV11, value);
    const decoded = (await kafkajsDecodeResponse('fetch', 11, bytes)) as {
      responses: { topicName: string; partitions: { highWatermark: string; preferredReadReplica: number; messages: { offset: string; key: Buffer; value: Buffer }[] }[] }[];
    };
    const partition = decoded.responses[0]!.partitions[0]!;
    expect(partition).toMatchObject({ highWatermark: '42', preferredReadReplica: -1 });
    expect(partition.messages.map((m) => [m.offset, m.key.toString(), m.value.toString()])).toEqual([
      ['40', 'a', 'first'],
      ['41', 'b', 'second'],
    ]);
    expect(decodeWith(fetchResponseV11, bytes)).toEqual(value);
  });

  it('reports OFFSET_OUT_OF_RANGE the way kafkajs recognises it', async () => {
    const bytes = encodeWith(fetchResponseV11, {
      throttleTimeMs: 0,
      errorCode: 0,
      sessionId: 0,
      topics: [
        {
          name: 'orders',
          partitions: [
            { partition: 0, errorCode: 1, highWatermark: 3, lastStableOffset: 3, logStartOffset: 0, abortedTransactions: [], preferredReadReplica: -1, records: [] },
          ],
        },
      ],
    });
    await expect(kafkajsDecodeResponse('fetch', 11, bytes)).rejects.toMatchObject({ name: 'KafkaJSOffsetOutOfRange' });
  });
});

describe('ListOffsets v3', () => {
  it('decodes latest/earliest lookups and encodes the offsets kafkajs reads', async () => {
    await expectRequestCodec(
      listOffsetsRequestV3,
      'listOffsets',
      3,
      { replicaId: -1, isolationLevel: 1, topics: [{ topic: 't', partitions: [{ partition: 0, timestamp: -1 }, { partition: 1, timestamp: -2 }] }] },
      {
        replicaId: -1,
        isolationLevel: 1,
        topics: [{ name: 't', partitions: [{ partition: 0, timestamp: -1 }, { partition: 1, timestamp: -2 }] }],
      },
    );
    await expectResponseCodec(
      listOffsetsResponseV3,
      'listOffsets',
      3,
      { throttleTimeMs: 0, topics: [{ name: 't', partitions: [{ partition: 0, errorCode: 0, timestamp: -1, offset: 17 }] }] },
      { responses: [{ topic: 't', partitions: [{ partition: 0, errorCode: 0, timestamp: '-1', offset: '17' }] }] },
    );
  });
});

describe('FindCoordinator v2', () => {
  it('decodes the key and type and encodes the coordinator kafkajs connects to', async () => {
    await expectRequestCodec(findCoordinatorRequestV2, 'findCoordinator', 2, { coordinatorKey: 'group-a', coordinatorType: 0 }, { key: 'group-a', keyType: 0 });
    await expectResponseCodec(
      findCoordinatorResponseV2,
      'findCoordinator',
      2,
      { throttleTimeMs: 0, errorCode: 0, errorMessage: null, nodeId: 1, host: 'localhost', port: 9092 },
      { errorCode: 0, coordinator: { nodeId: 1, host: 'localhost', port: 9092 } },
    );
  });
});

describe('JoinGroup v5', () => {
  it('decodes a join and encodes the leader view kafkajs uses to assign', async () => {
    const metadata = Buffer.from([0, 1, 2]);
    await expectRequestCodec(
      joinGroupRequestV5,
      'joinGroup',
      5,
      { groupId: 'g', sessionTimeout: 6000, rebalanceTimeout: 60000, memberId: '', protocolType: 'consumer', groupProtocols: [{ name: 'RoundRobinAssigner', metadata }] },
      {
        groupId: 'g',
        sessionTimeoutMs: 6000,
        rebalanceTimeoutMs: 60000,
        memberId: '',
        groupInstanceId: null,
        protocolType: 'consumer',
        protocols: [{ name: 'RoundRobinAssigner', metadata }],
      },
    );
    await expectResponseCodec(
      joinGroupResponseV5,
      'joinGroup',
      5,
      { throttleTimeMs: 0, errorCode: 0, generationId: 3, protocolName: 'RoundRobinAssigner', leader: 'm1', memberId: 'm1', members: [{ memberId: 'm1', groupInstanceId: null, metadata }] },
      { generationId: 3, groupProtocol: 'RoundRobinAssigner', leaderId: 'm1', memberId: 'm1', members: [{ memberId: 'm1', memberMetadata: metadata }] },
    );
  });

  it('turns MEMBER_ID_REQUIRED into the error kafkajs rejoins on, carrying the new member id', async () => {
    const bytes = encodeWith(joinGroupResponseV5, {
      throttleTimeMs: 0,
      errorCode: 79,
      generationId: -1,
      protocolName: '',
      leader: '',
      memberId: 'client-1234',
      members: [],
    });
    await expect(kafkajsDecodeResponse('joinGroup', 5, bytes)).rejects.toMatchObject({ name: 'KafkaJSMemberIdRequired', memberId: 'client-1234' });
  });
});

describe('SyncGroup v3', () => {
  it('decodes the leader assignments and encodes a member assignment', async () => {
    const assignment = Buffer.from('assigned');
    await expectRequestCodec(
      syncGroupRequestV3,
      'syncGroup',
      3,
      { groupId: 'g', generationId: 2, memberId: 'm1', groupAssignment: [{ memberId: 'm1', memberAssignment: assignment }] },
      { groupId: 'g', generationId: 2, memberId: 'm1', groupInstanceId: null, assignments: [{ memberId: 'm1', assignment }] },
    );
    await expectResponseCodec(syncGroupResponseV3, 'syncGroup', 3, { throttleTimeMs: 0, errorCode: 0, assignment }, { errorCode: 0, memberAssignment: assignment });
  });
});

describe('Heartbeat v3', () => {
  it('decodes a heartbeat and makes REBALANCE_IN_PROGRESS an error kafkajs rejoins on', async () => {
    await expectRequestCodec(
      heartbeatRequestV3,
      'heartbeat',
      3,
      { groupId: 'g', groupGenerationId: 4, memberId: 'm1' },
      { groupId: 'g', generationId: 4, memberId: 'm1', groupInstanceId: null },
    );
    await expectResponseCodec(heartbeatResponseV3, 'heartbeat', 3, { throttleTimeMs: 0, errorCode: 0 }, { errorCode: 0 });
    const rebalancing = encodeWith(heartbeatResponseV3, { throttleTimeMs: 0, errorCode: 27 });
    expect(rebalancing.toString('hex')).toBe('00000000001b');
    await expect(kafkajsDecodeResponse('heartbeat', 3, rebalancing)).rejects.toMatchObject({ type: 'REBALANCE_IN_PROGRESS' });
  });
});

describe('LeaveGroup v3', () => {
  it('decodes the leaving members and encodes per-member results', async () => {
    await expectRequestCodec(
      leaveGroupRequestV3,
      'leaveGroup',
      3,
      { groupId: 'g', members: [{ memberId: 'm1' }] },
      { groupId: 'g', members: [{ memberId: 'm1', groupInstanceId: null }] },
    );
    await expectResponseCodec(
      leaveGroupResponseV3,
      'leaveGroup',
      3,
      { throttleTimeMs: 0, errorCode: 0, members: [{ memberId: 'm1', groupInstanceId: null, errorCode: 0 }] },
      { errorCode: 0, members: [{ memberId: 'm1', errorCode: 0 }] },
    );
  });
});

describe('OffsetCommit v5', () => {
  it('decodes committed offsets with metadata and encodes per-partition results', async () => {
    await expectRequestCodec(
      offsetCommitRequestV5,
      'offsetCommit',
      5,
      { groupId: 'g', groupGenerationId: 2, memberId: 'm1', topics: [{ topic: 't', partitions: [{ partition: 0, offset: '15' }, { partition: 1, offset: '3', metadata: 'note' }] }] },
      {
        groupId: 'g',
        generationId: 2,
        memberId: 'm1',
        topics: [{ name: 't', partitions: [{ partition: 0, offset: 15, metadata: null }, { partition: 1, offset: 3, metadata: 'note' }] }],
      },
    );
    await expectResponseCodec(
      offsetCommitResponseV5,
      'offsetCommit',
      5,
      { throttleTimeMs: 0, topics: [{ name: 't', partitions: [{ partition: 0, errorCode: 0 }] }] },
      { responses: [{ topic: 't', partitions: [{ partition: 0, errorCode: 0 }] }] },
    );
  });
});

describe('OffsetFetch v4', () => {
  it('decodes requested partitions, and no topics as null (every committed offset)', async () => {
    await expectRequestCodec(
      offsetFetchRequestV4,
      'offsetFetch',
      4,
      { groupId: 'g', topics: [{ topic: 't', partitions: [{ partition: 0 }, { partition: 2 }] }] },
      { groupId: 'g', topics: [{ name: 't', partitions: [0, 2] }] },
    );
    await expectRequestCodec(offsetFetchRequestV4, 'offsetFetch', 4, { groupId: 'g', topics: [] }, { groupId: 'g', topics: null });
  });

  it('encodes committed and missing (-1) offsets as kafkajs reads them', async () => {
    await expectResponseCodec(
      offsetFetchResponseV4,
      'offsetFetch',
      4,
      {
        throttleTimeMs: 0,
        topics: [{ name: 't', partitions: [{ partition: 0, offset: 15, metadata: null, errorCode: 0 }, { partition: 2, offset: -1, metadata: '', errorCode: 0 }] }],
        errorCode: 0,
      },
      { responses: [{ topic: 't', partitions: [{ partition: 0, offset: '15', metadata: null }, { partition: 2, offset: '-1', metadata: '' }] }] },
    );
  });
});

describe('CreateTopics v3', () => {
  it('decodes topics with partitions, assignments and configs, and encodes per-topic errors', async () => {
    await expectRequestCodec(
      createTopicsRequestV3,
      'createTopics',
      3,
      {
        topics: [
          { topic: 'a', numPartitions: 6, replicationFactor: 1, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] },
          { topic: 'b', replicaAssignment: [{ partition: 0, replicas: [1] }] },
        ],
        timeout: 5000,
        validateOnly: false,
      },
      {
        topics: [
          { name: 'a', numPartitions: 6, replicationFactor: 1, assignments: [], configs: [{ name: 'cleanup.policy', value: 'compact' }] },
          { name: 'b', numPartitions: -1, replicationFactor: -1, assignments: [{ partition: 0, brokerIds: [1] }], configs: [] },
        ],
        timeoutMs: 5000,
        validateOnly: false,
      },
    );
    await expectResponseCodec(
      createTopicsResponseV3,
      'createTopics',
      3,
      { throttleTimeMs: 0, topics: [{ name: 'a', errorCode: 0, errorMessage: null }] },
      { topicErrors: [{ topic: 'a', errorCode: 0, errorMessage: null }] },
    );
  });

  it('makes TOPIC_ALREADY_EXISTS the error kafkajs admin answers false to', async () => {
    const bytes = encodeWith(createTopicsResponseV3, { throttleTimeMs: 0, topics: [{ name: 'a', errorCode: 36, errorMessage: "Topic 'a' already exists." }] });
    await expect(kafkajsDecodeResponse('createTopics', 3, bytes)).rejects.toMatchObject({ name: 'KafkaJSAggregateError', errors: [{ type: 'TOPIC_ALREADY_EXISTS' }] });
  });
});

describe('DeleteTopics v1', () => {
  it('decodes topic names and encodes per-topic results', async () => {
    await expectRequestCodec(deleteTopicsRequestV1, 'deleteTopics', 1, { topics: ['a', 'b'], timeout: 3000 }, { topicNames: ['a', 'b'], timeoutMs: 3000 });
    await expectResponseCodec(
      deleteTopicsResponseV1,
      'deleteTopics',
      1,
      { throttleTimeMs: 0, topics: [{ name: 'a', errorCode: 0 }] },
      { topicErrors: [{ topic: 'a', errorCode: 0 }] },
    );
  });
});

describe('InitProducerId v1', () => {
  it('decodes an idempotent (null transactional id) request and encodes the producer id', async () => {
    await expectRequestCodec(initProducerIdRequestV1, 'initProducerId', 1, { transactionTimeout: 30000 }, { transactionalId: null, transactionTimeoutMs: 30000 });
    await expectResponseCodec(
      initProducerIdResponseV1,
      'initProducerId',
      1,
      { throttleTimeMs: 0, errorCode: 0, producerId: 1001, producerEpoch: 0 },
      { producerId: '1001', producerEpoch: 0 },
    );
  });
});

describe('DescribeGroups v2 and ListGroups v2', () => {
  it('decodes group ids and encodes members with metadata and assignment', async () => {
    await expectRequestCodec(describeGroupsRequestV2, 'describeGroups', 2, { groupIds: ['g1', 'g2'] }, { groupIds: ['g1', 'g2'] });
    const group = {
      errorCode: 0,
      groupId: 'g1',
      state: 'Stable',
      protocolType: 'consumer',
      protocol: 'RoundRobinAssigner',
      members: [{ memberId: 'm1', clientId: 'c', clientHost: '/127.0.0.1', metadata: Buffer.from('md'), assignment: Buffer.from('as') }],
    };
    await expectResponseCodec(describeGroupsResponseV2, 'describeGroups', 2, { throttleTimeMs: 0, groups: [group] }, {
      groups: [{ groupId: 'g1', state: 'Stable', protocol: 'RoundRobinAssigner', members: [{ memberId: 'm1', clientHost: '/127.0.0.1', memberMetadata: Buffer.from('md'), memberAssignment: Buffer.from('as') }] }],
    });
  });

  it('lists groups with their protocol type from an empty request', async () => {
    expect((await kafkajsRequestBody('listGroups', 2)).body).toEqual(Buffer.alloc(0));
    await expectResponseCodec(
      listGroupsResponseV2,
      'listGroups',
      2,
      { throttleTimeMs: 0, errorCode: 0, groups: [{ groupId: 'g1', protocolType: 'consumer' }] },
      { groups: [{ groupId: 'g1', protocolType: 'consumer' }] },
    );
  });
});
