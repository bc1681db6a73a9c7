/** Headers a dead-lettered record carries beside the event's own: what failed, where, and for whom. */
export const DEAD_LETTER_HEADERS = {
  error: 'x-error',
  errorType: 'x-error-type',
  originalTopic: 'x-original-topic',
  originalPartition: 'x-original-partition',
  originalOffset: 'x-original-offset',
  attempts: 'x-attempts',
  consumerGroup: 'x-consumer-group',
} as const;
