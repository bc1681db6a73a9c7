/**
 * `npm run asyncapi`: writes docs/asyncapi.yaml, the AsyncAPI 3 description of every topic and
 * event type registered in @fieldforce/contracts. tools/asyncapi.spec.ts fails when the committed
 * file differs from what the registry generates, so a changed contract is never undocumented.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { CloudEventEnvelopeSchema, type EventDefinition, eventDefinitions, sourceOf } from '@fieldforce/contracts';
import { CLOUDEVENTS_CONTENT_TYPE } from '@fieldforce/messaging';
import { stringify } from 'yaml';

export const ASYNCAPI_PATH = path.resolve(__dirname, '..', 'docs', 'asyncapi.yaml');

type JsonSchema = Record<string, unknown>;

/** A TypeBox schema as plain JSON Schema (TypeBox's symbol keys dropped). */
function plainSchema(schema: unknown): JsonSchema {
  return JSON.parse(JSON.stringify(schema)) as JsonSchema;
}

/** The record value of one event type: the structured CloudEvent with `type` fixed and `data` its payload schema. */
export function eventValueSchema(definition: EventDefinition): JsonSchema {
  const envelope = plainSchema(CloudEventEnvelopeSchema);
  const properties = { ...(envelope['properties'] as Record<string, JsonSchema>) };
  properties['type'] = { type: 'string', const: definition.type };
  properties['source'] = { type: 'string', const: sourceOf(definition.service) };
  properties['subject'] = { ...properties['subject'], description: `Id of the ${definition.aggregate} (also the record key)` };
  properties['data'] = plainSchema(definition.schema);
  return { ...envelope, properties };
}

const headersSchema: JsonSchema = {
  type: 'object',
  required: ['content-type', 'traceparent'],
  properties: {
    'content-type': { type: 'string', const: CLOUDEVENTS_CONTENT_TYPE },
    traceparent: { type: 'string', description: 'W3C trace context, the same as the envelope traceparent' },
  },
};

function asRecord(value: unknown): JsonSchema {
  return typeof value === 'object' && value !== null ? (value as JsonSchema) : {};
}

function channelId(topic: string): string {
  return topic.replace(/^fieldforce\./, '');
}

function exampleEvent(definition: EventDefinition): JsonSchema {
  const data = plainSchema(definition.example);
  // The example payload usually carries the aggregate (or its id), whose id is then the subject and the key.
  const aggregate = [data, ...Object.values(data)].find((value): value is JsonSchema => typeof asRecord(value)['id'] === 'string');
  const subject = aggregate ? String(aggregate['id']) : '0190f5d2-6d1e-7a3c-9b1e-5d2c3a4b5c6d';
  return {
    specversion: '1.0',
    id: '0190f5d2-6d1e-7a3c-9b1e-000000000001',
    source: sourceOf(definition.service),
    type: definition.type,
    subject,
    time: '2025-01-01T08:00:00.000Z',
    datacontenttype: 'application/json',
    tenantid: 'acme',
    traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
    correlationid: '0190f5d2-6d1e-7a3c-9b1e-000000000001',
    data,
  };
}

/** The AsyncAPI 3 document for the given event definitions (all registered ones by default). */
export function buildAsyncApi(definitions: readonly EventDefinition[] = eventDefinitions): JsonSchema {
  const byTopic = new Map<string, EventDefinition[]>();
  for (const definition of [...definitions].sort((a, b) => a.type.localeCompare(b.type))) {
    byTopic.set(definition.topic, [...(byTopic.get(definition.topic) ?? []), definition]);
  }
  const channels: JsonSchema = {};
  const operations: JsonSchema = {};
  const messages: JsonSchema = {};
  for (const [topic, topicDefinitions] of [...byTopic].sort(([a], [b]) => a.localeCompare(b))) {
    const id = channelId(topic);
    const messageRefs = Object.fromEntries(
      topicDefinitions.map((definition) => [definition.type, { $ref: `#/components/messages/${definition.type}` }]),
    );
    channels[id] = {
      address: topic,
      title: topic,
      description: `Events about ${topicDefinitions[0]?.aggregate ?? 'one aggregate'}s, published by the ${topicDefinitions[0]?.service ?? ''} service. Keyed by aggregate id: all events of one aggregate keep their order.`,
      messages: messageRefs,
      bindings: { kafka: { topic, bindingVersion: '0.5.0' } },
    };
    operations[`consume.${id}`] = {
      action: 'receive',
      channel: { $ref: `#/channels/${id}` },
      summary: `Follow ${topic}`,
      messages: topicDefinitions.map((definition) => ({ $ref: `#/channels/${id}/messages/${definition.type}` })),
    };
    for (const definition of topicDefinitions) {
      const example = exampleEvent(definition);
      messages[definition.type] = {
        name: definition.type,
        title: definition.type,
        summary: definition.description,
        contentType: CLOUDEVENTS_CONTENT_TYPE,
        headers: headersSchema,
        payload: eventValueSchema(definition),
        correlationId: { location: '$message.payload#/correlationid' },
        bindings: {
          kafka: {
            key: { type: 'string', description: `Id of the ${definition.aggregate} (the event subject)` },
            bindingVersion: '0.5.0',
          },
        },
        examples: [
          {
            name: 'example',
            headers: { 'content-type': CLOUDEVENTS_CONTENT_TYPE, traceparent: example['traceparent'] },
            // The record key, as AsyncAPI examples have no field for it.
            summary: `key: ${String(example['subject'])}`,
            payload: example,
          },
        ],
      };
    }
  }
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'fieldforce events',
      version: '1.0.0',
      description:
        'Every event the fieldforce services publish on Kafka. A record value is a CloudEvents 1.0 event in structured JSON mode; the record key is the aggregate id. Generated from libs/contracts by `npm run asyncapi`; evolution rules in docs/events.md.',
      license: { name: 'Apache-2.0' },
    },
    defaultContentType: CLOUDEVENTS_CONTENT_TYPE,
    servers: { dev: { host: 'localhost:9092', protocol: 'kafka', description: 'The dev broker of `npm run dev`' } },
    channels,
    operations,
    components: { messages },
  };
}

/** The document as the YAML text committed in docs/asyncapi.yaml. */
export function renderAsyncApi(definitions: readonly EventDefinition[] = eventDefinitions): string {
  return `# Generated by \`npm run asyncapi\` from libs/contracts. Do not edit.\n${stringify(buildAsyncApi(definitions), { lineWidth: 0, aliasDuplicateObjects: false })}`;
}

if (require.main === module) {
  writeFileSync(ASYNCAPI_PATH, renderAsyncApi());
  process.stdout.write(`Wrote ${path.relative(process.cwd(), ASYNCAPI_PATH)} (${eventDefinitions.length} event types)\n`);
}
