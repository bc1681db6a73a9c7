import { isMissingRoute, parseDecision, parseProblem } from './owner-client';

describe('parseDecision', () => {
  it('reads an applied, merged or rejected answer', () => {
    const conflict = { field: 'name', base: 'a', server: 'b', client: 'c', winner: 'server', rule: 'rank', serverRank: 20, clientRank: 10 };
    expect(parseDecision(JSON.stringify({ status: 'applied', version: 2, data: { id: 'x' } }))).toEqual({
      status: 'applied',
      version: 2,
      data: { id: 'x' },
    });
    expect(parseDecision(JSON.stringify({ status: 'merged', version: 3, conflicts: [conflict], data: null }))).toEqual({
      status: 'merged',
      version: 3,
      conflicts: [conflict],
      data: null,
    });
    expect(parseDecision(JSON.stringify({ status: 'rejected', version: 3, conflicts: [conflict] }))).toEqual({
      status: 'rejected',
      version: 3,
      conflicts: [conflict],
    });
  });

  it.each([
    ['not JSON', '<html>'],
    ['no status', '{"version":1}'],
    ['an unknown status', '{"status":"done"}'],
    ['a fractional version', '{"status":"applied","version":1.5}'],
    ['conflicts that are no list', '{"status":"merged","conflicts":{}}'],
    ['data that is no object', '{"status":"applied","data":[1]}'],
    ['an array', '[]'],
  ])('refuses %s (the mutation is retried, never guessed)', (_label, body) => {
    expect(parseDecision(body)).toBeUndefined();
  });
});

describe('parseProblem', () => {
  it('keeps the known members of the owner\'s problem and its status', () => {
    const body = JSON.stringify({
      type: 'urn:fieldforce:problem:validation-failed',
      title: 'Invalid request',
      status: 400,
      detail: 'invalid request: check name',
      code: 'VALIDATION_FAILED',
      errors: [{ field: 'name', message: 'name must be longer' }],
      instance: '/internal/v1/mutations',
      requestId: 'r-1',
      stack: 'never',
    });
    expect(parseProblem(body, 400)).toEqual({
      type: 'urn:fieldforce:problem:validation-failed',
      title: 'Invalid request',
      status: 400,
      detail: 'invalid request: check name',
      code: 'VALIDATION_FAILED',
      errors: [{ field: 'name', message: 'name must be longer' }],
    });
  });

  it('answers undefined for a body that is no problem document', () => {
    expect(parseProblem('Forbidden', 403)).toBeUndefined();
    expect(parseProblem('{"message":"no"}', 403)).toBeUndefined();
  });
});

describe('isMissingRoute', () => {
  const problem = (type: string) => ({ type, title: 'Not Found', status: 404, detail: '', code: 'NOT_FOUND' });

  it('tells a router\'s 404 from a rule\'s', () => {
    expect(isMissingRoute(404, problem('about:blank'))).toBe(true);
    expect(isMissingRoute(404, undefined)).toBe(true);
    expect(isMissingRoute(405, undefined)).toBe(true);
    expect(isMissingRoute(404, problem('urn:fieldforce:problem:not-found'))).toBe(false);
    expect(isMissingRoute(403, undefined)).toBe(false);
  });
});
