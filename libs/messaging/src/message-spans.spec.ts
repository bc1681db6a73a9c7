import { recordTraceparent } from './message-spans';

const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

describe(recordTraceparent.name, () => {
  it('reads the traceparent header of a Kafka record, as bytes or text', () => {
    expect(recordTraceparent({ traceparent: Buffer.from(TRACEPARENT) })).toBe(TRACEPARENT);
    expect(recordTraceparent({ traceparent: TRACEPARENT })).toBe(TRACEPARENT);
  });

  it.each([
    ['no headers', undefined],
    ['no traceparent header', { 'content-type': Buffer.from('application/cloudevents+json') }],
    ['a malformed one', { traceparent: Buffer.from('00-nonsense') }],
    ['an all-zero trace id', { traceparent: `00-${'0'.repeat(32)}-00f067aa0ba902b7-01` }],
    ['a repeated header', { traceparent: [TRACEPARENT, TRACEPARENT] }],
  ])('gives nothing for %s, so the envelope traceparent is used', (_case, headers) => {
    expect(recordTraceparent(headers)).toBeUndefined();
  });
});
