import { type Static, type TSchema } from '@sinclair/typebox';
import { type TypeCheck, TypeCompiler } from '@sinclair/typebox/compiler';
import { EVENT_TYPE_PATTERN, type EventTypeName } from './envelope';
import './formats';
import { isServiceName, type ServiceName } from './services';
import { collectIssues, collectUndeclaredProperties, EventValidationError } from './validation';

/** One event type at one version: its topic, payload schema and a valid example (for docs and tests). */
export interface EventDefinition<TType extends EventTypeName = EventTypeName, TData extends TSchema = TSchema> {
  readonly type: TType;
  readonly topic: string;
  readonly service: ServiceName;
  readonly aggregate: string;
  readonly version: number;
  readonly description: string;
  readonly schema: TData;
  readonly example: Static<TData>;
  /** The schema compiled once, used to validate every outgoing and incoming payload. */
  readonly validator: TypeCheck<TData>;
}

export interface EventDefinitionInput<TType extends EventTypeName, TData extends TSchema> {
  type: TType;
  topic: string;
  aggregate: string;
  description: string;
  schema: TData;
  example: Static<TData>;
}

/** Declares an event type; throws at load time when the type, topic and aggregate disagree or the example is invalid. */
export function defineEvent<const TType extends EventTypeName, TData extends TSchema>(
  input: EventDefinitionInput<TType, TData>,
): EventDefinition<TType, TData> {
  const match = new RegExp(EVENT_TYPE_PATTERN).exec(input.type);
  if (!match) throw new Error(`Event type ${input.type} does not follow fieldforce.<service>.<aggregate>.<event>.v<N>`);
  const [, service = '', aggregate = '', , version = ''] = match;
  if (!isServiceName(service)) throw new Error(`Event type ${input.type} names an unknown service ${service}`);
  if (aggregate !== input.aggregate) {
    throw new Error(`Event type ${input.type} is about aggregate ${aggregate}, not ${input.aggregate}`);
  }
  if (!input.topic.startsWith(`fieldforce.${service}.`)) {
    throw new Error(`Event type ${input.type} must travel on a topic of service ${service}, not ${input.topic}`);
  }
  const validator = TypeCompiler.Compile(input.schema);
  const issues = collectIssues(validator, input.example, 'data');
  if (issues.length === 0) issues.push(...collectUndeclaredProperties(input.schema, input.example, 'data'));
  if (issues.length > 0) throw new EventValidationError(input.type, issues);
  return { ...input, service, version: Number(version), validator };
}
