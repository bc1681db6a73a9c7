/** Kafka API keys the dev broker answers. */
export enum ApiKey {
  Produce = 0,
  Fetch = 1,
  ListOffsets = 2,
  Metadata = 3,
  OffsetCommit = 8,
  OffsetFetch = 9,
  FindCoordinator = 10,
  JoinGroup = 11,
  Heartbeat = 12,
  LeaveGroup = 13,
  SyncGroup = 14,
  DescribeGroups = 15,
  ListGroups = 16,
  ApiVersions = 18,
  CreateTopics = 19,
  DeleteTopics = 20,
  InitProducerId = 22,
}

/**
 * The one version served per API (ApiVersions serves 0–2). kafkajs uses min(its highest, our max)
 * and ignores the minimum, so advertising a single version pins every request format.
 */
export const SUPPORTED_VERSIONS: ReadonlyMap<ApiKey, { min: number; max: number }> = new Map([
  [ApiKey.Produce, { min: 7, max: 7 }],
  [ApiKey.Fetch, { min: 11, max: 11 }],
  [ApiKey.ListOffsets, { min: 3, max: 3 }],
  [ApiKey.Metadata, { min: 6, max: 6 }],
  [ApiKey.OffsetCommit, { min: 5, max: 5 }],
  [ApiKey.OffsetFetch, { min: 4, max: 4 }],
  [ApiKey.FindCoordinator, { min: 2, max: 2 }],
  [ApiKey.JoinGroup, { min: 5, max: 5 }],
  [ApiKey.Heartbeat, { min: 3, max: 3 }],
  [ApiKey.LeaveGroup, { min: 3, max: 3 }],
  [ApiKey.SyncGroup, { min: 3, max: 3 }],
  [ApiKey.DescribeGroups, { min: 2, max: 2 }],
  [ApiKey.ListGroups, { min: 2, max: 2 }],
  [ApiKey.ApiVersions, { min: 0, max: 2 }],
  [ApiKey.CreateTopics, { min: 3, max: 3 }],
  [ApiKey.DeleteTopics, { min: 1, max: 1 }],
  [ApiKey.InitProducerId, { min: 1, max: 1 }],
]);

/** Whether the broker serves this (apiKey, apiVersion) pair. */
export function isSupported(apiKey: number, apiVersion: number): apiKey is ApiKey {
  const range = SUPPORTED_VERSIONS.get(apiKey);
  return range !== undefined && apiVersion >= range.min && apiVersion <= range.max;
}
