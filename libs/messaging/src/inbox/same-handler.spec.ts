import { sameHandlerFor } from './event-consumer';

describe(sameHandlerFor.name, () => {
  it('maps each event type to the one handler, and no other type', () => {
    const handler = async (): Promise<void> => undefined;

    const handlers = sameHandlerFor(['fieldforce.permissions.user.created.v1', 'fieldforce.permissions.user.moved.v1'], handler);

    expect(Object.keys(handlers)).toEqual(['fieldforce.permissions.user.created.v1', 'fieldforce.permissions.user.moved.v1']);
    expect(handlers['fieldforce.permissions.user.created.v1']).toBe(handler);
    expect(handlers['fieldforce.permissions.user.moved.v1']).toBe(handler);
  });
});
