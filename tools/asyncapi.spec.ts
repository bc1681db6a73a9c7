import { readFileSync } from 'node:fs';
import { eventDefinitions, topicsOf } from '@fieldforce/contracts';
import { parse } from 'yaml';
import { ASYNCAPI_PATH, buildAsyncApi, renderAsyncApi } from './asyncapi';

interface AsyncApiDocument {
  channels: Record<string, { address: string; messages: Record<string, unknown> }>;
  components: { messages: Record<string, { payload: { properties: Record<string, unknown> }; examples: { payload: unknown }[] }> };
}

describe(buildAsyncApi.name, () => {
  it('is committed exactly as the registry generates it (run `npm run asyncapi` after changing an event)', () => {
    expect(readFileSync(ASYNCAPI_PATH, 'utf8')).toBe(renderAsyncApi());
  });

  it('describes every registered event type as a message on its topic channel', () => {
    const document = parse(readFileSync(ASYNCAPI_PATH, 'utf8')) as AsyncApiDocument;
    const addresses = Object.values(document.channels).map((channel) => channel.address);
    expect(addresses.sort()).toEqual(topicsOf().sort());
    for (const definition of eventDefinitions) {
      const channel = Object.values(document.channels).find((candidate) => candidate.address === definition.topic);
      expect(channel?.messages).toHaveProperty([definition.type]);
      const message = document.components.messages[definition.type];
      expect(message?.payload.properties['type']).toEqual({ type: 'string', const: definition.type });
      expect(message?.payload.properties['data']).toEqual(JSON.parse(JSON.stringify(definition.schema)));
      expect(message?.examples[0]?.payload).toMatchObject({ type: definition.type, data: definition.example });
    }
  });

  it('gives each message the record key, the content-type and traceparent headers and the full envelope', () => {
    const document = buildAsyncApi(eventDefinitions.slice(0, 1)) as unknown as AsyncApiDocument;
    const message = document.components.messages[eventDefinitions[0].type] as unknown as Record<string, never>;
    expect(message).toMatchObject({
      headers: { required: ['content-type', 'traceparent'] },
      bindings: { kafka: { key: { type: 'string' } } },
      payload: { required: expect.arrayContaining(['specversion', 'id', 'source', 'type', 'subject', 'tenantid', 'data']) },
    });
  });
});
