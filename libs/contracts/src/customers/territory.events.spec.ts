import { createEvent, type EventData, eventDefinition, topicOf } from '../registry';
import { EventValidationError } from '../validation';
import { customerSettingsUpdatedV1 } from './settings.events';
import { territoryCreatedV1 } from './territory.events';

const CREATED = 'fieldforce.customers.territory.created.v1';
const SETTINGS = 'fieldforce.customers.settings.updated.v1';

describe('territory events', () => {
  it('travel on the territory topic, one type per lifecycle change', () => {
    for (const event of ['created', 'updated', 'deleted'] as const) {
      const type = `fieldforce.customers.territory.${event}.v1` as const;
      expect(topicOf(type)).toBe('fieldforce.customers.territory.v1');
      expect(eventDefinition(type).service).toBe('customers');
    }
  });

  it('accept a multipolygon area and refuse another geometry type', () => {
    const data: EventData<typeof CREATED> = structuredClone(territoryCreatedV1.example);
    const ring = data.territory.geometry.type === 'Polygon' ? data.territory.geometry.coordinates : [];
    const multi = { ...data, territory: { ...data.territory, geometry: { type: 'MultiPolygon' as const, coordinates: [ring] } } };
    expect(() => createEvent(CREATED, { subject: data.territory.id, tenantId: data.territory.tenantId, data: multi })).not.toThrow();
    const point = { ...data, territory: { ...data.territory, geometry: { type: 'Point', coordinates: [13.4, 52.5] } } };
    expect(() =>
      createEvent(CREATED, { subject: data.territory.id, tenantId: data.territory.tenantId, data: point as unknown as EventData<typeof CREATED> }),
    ).toThrow(EventValidationError);
  });
});

describe('customer settings events', () => {
  it('travel on the settings topic keyed by the tenant', () => {
    expect(topicOf(SETTINGS)).toBe('fieldforce.customers.settings.v1');
  });

  it('refuse an empty grade list and an unknown conflict policy', () => {
    const data: EventData<typeof SETTINGS> = structuredClone(customerSettingsUpdatedV1.example);
    const publish = (settings: object) =>
      createEvent(SETTINGS, {
        subject: data.settings.tenantId,
        tenantId: data.settings.tenantId,
        data: { ...data, settings: { ...data.settings, ...settings } },
      });
    expect(() => publish({})).not.toThrow();
    expect(() => publish({ grades: [] })).toThrow(EventValidationError);
    expect(() => publish({ conflictPolicy: 'newest-wins' })).toThrow(EventValidationError);
  });
});
