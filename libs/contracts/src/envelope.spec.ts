import { causedBy, createCloudEvent, isTraceparent, newTraceparent } from './envelope';
import { isUuidV7 } from './uuidv7';

describe(createCloudEvent.name, () => {
  const base = {
    service: 'customers' as const,
    type: 'fieldforce.customers.customer.created.v1',
    subject: '0190d6a4-5c3e-7b1a-8f00-3c1d2e4f5a6b',
    tenantId: '0190d6a0-0000-7000-8000-000000000001',
    data: { hello: 'world' },
  };

  it('wraps the data in a CloudEvents 1.0 envelope with the platform attributes', () => {
    const time = new Date('2024-07-15T08:30:00.000Z');
    const event = createCloudEvent({ ...base, time, traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' });
    expect(event).toEqual({
      specversion: '1.0',
      id: expect.any(String),
      source: '/fieldforce/customers',
      type: 'fieldforce.customers.customer.created.v1',
      subject: base.subject,
      time: '2024-07-15T08:30:00.000Z',
      datacontenttype: 'application/json',
      tenantid: base.tenantId,
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      correlationid: event.id,
      data: { hello: 'world' },
    });
    expect(isUuidV7(event.id)).toBe(true);
    expect('causationid' in event).toBe(false);
  });

  it('starts a new trace when no traceparent is given', () => {
    const event = createCloudEvent(base);
    expect(isTraceparent(event.traceparent)).toBe(true);
    expect(createCloudEvent(base).traceparent).not.toBe(event.traceparent);
  });

  it('lets a chain request → event → event be followed through correlation and causation ids', () => {
    const requestId = 'req-7f3a';
    const first = createCloudEvent({ ...base, correlationId: requestId, causationId: requestId });
    const second = createCloudEvent({ ...base, ...causedBy(first) });
    expect(first.correlationid).toBe(requestId);
    expect(first.causationid).toBe(requestId);
    expect(second.correlationid).toBe(requestId);
    expect(second.causationid).toBe(first.id);
    expect(second.traceparent).toBe(first.traceparent);
  });
});

describe(isTraceparent.name, () => {
  it('accepts W3C trace context values and rejects malformed or all-zero ids', () => {
    expect(isTraceparent(newTraceparent())).toBe(true);
    expect(isTraceparent('00-00000000000000000000000000000000-b7ad6b7169203331-01')).toBe(false);
    expect(isTraceparent('00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01')).toBe(false);
    expect(isTraceparent('00-0af7651916cd43dd-b7ad6b7169203331-01')).toBe(false);
  });
});
