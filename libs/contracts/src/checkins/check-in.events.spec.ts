import { createEvent, type EventData, eventDefinition, topicOf } from '../registry';
import { EventValidationError } from '../validation';
import { checkInRecordedV1 } from './check-in.events';

const RECORDED = 'fieldforce.checkins.check-in.recorded.v1';

describe('check-in events', () => {
  it('travel on the check-in topic, one type per step of a visit', () => {
    for (const event of ['recorded', 'checked-out', 'reviewed'] as const) {
      const type = `fieldforce.checkins.check-in.${event}.v1` as const;
      expect(topicOf(type)).toBe('fieldforce.checkins.check-in.v1');
      expect(eventDefinition(type).service).toBe('checkins');
    }
  });

  it('accept a flagged offline check-in of a customer whose location is unknown', () => {
    const data: EventData<typeof RECORDED> = structuredClone(checkInRecordedV1.example);
    data.checkIn = {
      ...data.checkIn,
      offline: true,
      status: 'flagged',
      trustScore: 55,
      reasons: ['CUSTOMER_LOCATION_UNKNOWN', 'DELAYED_UPLOAD'],
      checkIn: { ...data.checkIn.checkIn, distanceM: null, trustScore: 55, reasons: ['CUSTOMER_LOCATION_UNKNOWN', 'DELAYED_UPLOAD'] },
    };
    expect(() => createEvent(RECORDED, { subject: data.checkIn.id, tenantId: data.checkIn.tenantId, data })).not.toThrow();
  });

  it('refuse a reason the contract does not know and a photo hash that is not SHA-256 hex', () => {
    const data = structuredClone(checkInRecordedV1.example) as unknown as { checkIn: { reasons: string[]; checkIn: { photos: { sha256: string }[] } } };
    data.checkIn.reasons = ['LOOKS_ODD'];
    data.checkIn.checkIn.photos[0]!.sha256 = 'not-a-hash';
    const publish = () =>
      createEvent(RECORDED, { subject: checkInRecordedV1.example.checkIn.id, tenantId: checkInRecordedV1.example.checkIn.tenantId, data: data as EventData<typeof RECORDED> });
    expect(publish).toThrow(EventValidationError);
    expect(publish).toThrow(/data\.checkIn\.reasons\[0\]/);
  });
});
