import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { TraceContext, parseTraceparent } from './trace-context';

const INCOMING = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

function requestWith(headers: Record<string, string>): IncomingMessage {
  const request = new IncomingMessage(new Socket());
  request.headers = headers;
  return request;
}

describe(parseTraceparent.name, () => {
  it('reads trace id, parent span id and the sampled flag', () => {
    expect(parseTraceparent(INCOMING)).toEqual({
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      parentSpanId: '00f067aa0ba902b7',
      sampled: true,
    });
    expect(parseTraceparent(INCOMING.replace(/-01$/, '-00'))?.sampled).toBe(false);
  });

  it.each([
    ['absent', undefined],
    ['garbage', 'not-a-traceparent'],
    ['an unknown version', INCOMING.replace(/^00/, 'ff')],
    ['an all-zero trace id', `00-${'0'.repeat(32)}-00f067aa0ba902b7-01`],
    ['an all-zero parent id', `00-4bf92f3577b34da6a3ce929d0e0e4736-${'0'.repeat(16)}-01`],
  ])('rejects %s', (_case, header) => {
    expect(parseTraceparent(header)).toBeUndefined();
  });
});

describe(TraceContext.name, () => {
  it('continues an incoming trace under a new span of its own', () => {
    const context = TraceContext.continueFrom(INCOMING);

    expect(context.traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(context.parentSpanId).toBe('00f067aa0ba902b7');
    expect(context.spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(context.spanId).not.toBe('00f067aa0ba902b7');
    expect(context.traceparent).toBe(`00-4bf92f3577b34da6a3ce929d0e0e4736-${context.spanId}-01`);
  });

  it('starts a new trace when the header is missing or malformed', () => {
    const context = TraceContext.continueFrom('nonsense');

    expect(context.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(context.parentSpanId).toBeUndefined();
    expect(parseTraceparent(context.traceparent)?.traceId).toBe(context.traceId);
  });

  it('is current only inside run, across awaits', async () => {
    const context = TraceContext.start();

    const seen = await TraceContext.run(context, async () => {
      await new Promise((resolve) => setImmediate(resolve));
      return TraceContext.current();
    });

    expect(seen).toBe(context);
    expect(TraceContext.current()).toBeUndefined();
  });

  it('derives a request context once, so every reader sees the same trace', () => {
    const request = requestWith({ traceparent: INCOMING });

    expect(TraceContext.ofRequest(request)).toBe(TraceContext.ofRequest(request));
    expect(TraceContext.ofRequest(requestWith({})).traceId).not.toBe(TraceContext.ofRequest(requestWith({})).traceId);
  });
});
