import { Kafka, logLevel, type Producer } from 'kafkajs';
import { checkInRecordedV1, type CheckInState, createEvent, type EventType, Topics, uuidv7 } from '@fieldforce/contracts';
import { type TestKafka } from '@fieldforce/testing';

type CheckInEventType = Extract<EventType, `fieldforce.checkins.check-in.${string}`>;

/** A check-in state as a check-in event carries it: `userId` at `customerId`, captured at `at`, verified unless `overrides` say otherwise. */
export function checkInState(tenantId: string, userId: string, customerId: string, at: string, overrides: Partial<CheckInState> = {}): CheckInState {
  const example = structuredClone(checkInRecordedV1.example.checkIn);
  return {
    ...example,
    id: uuidv7(),
    tenantId,
    userId,
    customerId,
    orgPath: 'hq.north',
    taskId: null,
    checkIn: { ...example.checkIn, point: { ...example.checkIn.point, capturedAt: at }, receivedAt: at },
    createdAt: at,
    updatedAt: at,
    ...overrides,
  };
}

/** The same check-in after checking out at `at`. */
export function checkedOut(state: CheckInState, at: string): CheckInState {
  return {
    ...state,
    checkOut: { ...state.checkIn, point: { ...state.checkIn.point, capturedAt: at }, receivedAt: at },
    durationS: Math.round((Date.parse(at) - Date.parse(state.checkIn.point.capturedAt)) / 1000),
    version: state.version + 1,
    updatedAt: at,
  };
}

/** Publishes check-in events as the checkins service would: on its topic, keyed by check-in id. */
export class CheckInEvents {
  private constructor(
    private readonly producer: Producer,
    private readonly topic: string,
  ) {}

  static async connect(kafka: TestKafka): Promise<CheckInEvents> {
    const producer = new Kafka({ clientId: 'checkins', brokers: kafka.brokers, logLevel: logLevel.NOTHING }).producer();
    await producer.connect();
    return new CheckInEvents(producer, kafka.topicPrefix + Topics.checkins.checkIn);
  }

  /** Sends one event per state, in order; `id` fixes the event id (a redelivery). Answers the events' ids. */
  async publish(type: CheckInEventType, checkIn: CheckInState, id?: string): Promise<string> {
    const event = createEvent(type, { subject: checkIn.id, tenantId: checkIn.tenantId, data: { checkIn }, id });
    await this.producer.send({ topic: this.topic, acks: -1, messages: [{ key: checkIn.id, value: JSON.stringify(event) }] });
    return event.id;
  }

  async close(): Promise<void> {
    await this.producer.disconnect();
  }
}

/** Polls `probe` until it holds; fails naming `what` after `timeoutMs`. */
export async function eventually(what: string, probe: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
