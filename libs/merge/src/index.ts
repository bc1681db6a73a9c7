export { deepEqual } from './deep-equal';
export {
  type ConflictRule,
  DEFAULT_MERGE_POLICY,
  DELETED_FIELD,
  type FieldConflict,
  type FieldStamp,
  type FieldStamps,
  MERGE_POLICIES,
  type MergeInput,
  type MergePolicy,
  type MergeResult,
  changedFields,
  isMergePolicy,
  stamp,
  threeWayMerge,
} from './three-way-merge';
