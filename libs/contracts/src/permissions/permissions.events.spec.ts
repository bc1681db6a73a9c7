import { createEvent, type EventData, eventDefinition, topicOf } from '../registry';
import { EventValidationError } from '../validation';
import { roleUpdatedV1, userMovedV1 } from './permissions.events';

const MOVED = 'fieldforce.permissions.user.moved.v1';

describe('permissions events', () => {
  it('travel on one topic per aggregate of the permissions service', () => {
    expect(topicOf('fieldforce.permissions.user.roles-changed.v1')).toBe('fieldforce.permissions.user.v1');
    expect(topicOf('fieldforce.permissions.org-unit.moved.v1')).toBe('fieldforce.permissions.org-unit.v1');
    expect(topicOf('fieldforce.permissions.role.updated.v1')).toBe('fieldforce.permissions.role.v1');
    expect(eventDefinition(MOVED).service).toBe('permissions');
  });

  it('build a user.moved event carrying the previous org path', () => {
    const data: EventData<typeof MOVED> = structuredClone(userMovedV1.example);
    const event = createEvent(MOVED, { subject: data.user.id, tenantId: data.user.tenantId, data });
    expect(event.source).toBe('/fieldforce/permissions');
    expect(event.data.previous?.orgPath).toBe('u0190d6a0.u0190d6a2');
  });

  it('refuse a user event that would leak a password hash or TOTP secret', () => {
    const data = structuredClone(userMovedV1.example);
    const leaking = { ...data, user: { ...data.user, passwordHash: '$argon2id$...', totpSecret: 'JBSWY3DP' } };
    const publish = () => createEvent(MOVED, { subject: data.user.id, tenantId: data.user.tenantId, data: leaking });
    expect(publish).toThrow(EventValidationError);
    expect(publish).toThrow(/passwordHash.*totpSecret/);
  });

  it('refuse an org path that is not ltree-compatible', () => {
    const data = structuredClone(userMovedV1.example);
    data.user.orgPath = 'emea/de';
    expect(() => createEvent(MOVED, { subject: data.user.id, tenantId: data.user.tenantId, data })).toThrow(
      /data\.user\.orgPath/,
    );
  });

  it('carry the full role policy in role events', () => {
    const data = structuredClone(roleUpdatedV1.example);
    const event = createEvent('fieldforce.permissions.role.updated.v1', { subject: data.role.id, tenantId: data.role.tenantId, data });
    expect(event.data.role).toMatchObject({ name: 'rep', scope: 'own', rank: 10, builtIn: true });
  });
});
