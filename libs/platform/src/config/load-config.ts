import { plainToInstance } from 'class-transformer';
import { type ValidationError, getMetadataStorage, validateSync } from 'class-validator';

export type EnvSource = Readonly<Record<string, string | undefined>>;

/** A configuration the service cannot start with; the message is one line naming each bad variable. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration: ${problems.join('; ')}`);
    this.name = 'ConfigError';
  }
}

// Only the variables the env class declares are read, so unrelated ones (PATH, HOME) never reach it.
function declaredVariables(envClass: new () => object): Set<string> {
  const metadatas = getMetadataStorage().getTargetValidationMetadatas(envClass, '', true, false);
  return new Set(metadatas.map((metadata) => metadata.propertyName));
}

function describeValue(raw: string | undefined): string {
  return raw === undefined ? 'unset' : `got ${JSON.stringify(raw)}`;
}

function problemOf(error: ValidationError, source: EnvSource): string {
  const raw = source[error.property];
  const messages = [...new Set(Object.values(error.constraints ?? {}))];
  const reason = raw === undefined && error.value === undefined ? 'is required' : messages.join(' and ');
  return `${error.property} ${reason} (${describeValue(raw)})`;
}

/**
 * Validates the environment against `EnvClass` and maps it with `toConfig`;
 * throws a `ConfigError` naming every bad variable.
 */
export function loadConfig<TEnv extends object, TConfig>(
  EnvClass: new () => TEnv,
  toConfig: (env: TEnv) => TConfig,
  source: EnvSource = process.env,
): TConfig {
  const variables = declaredVariables(EnvClass);
  // An empty variable (`FOO=`) means "use the default", as an unset one does.
  const plain = Object.fromEntries(
    Object.entries(source).filter(([name, value]) => variables.has(name) && value !== undefined && value !== ''),
  );
  const env = plainToInstance(EnvClass, plain);
  const errors = validateSync(env, { stopAtFirstError: true });
  if (errors.length > 0) {
    const problems = errors
      .sort((a, b) => a.property.localeCompare(b.property))
      .map((error) => problemOf(error, plain));
    throw new ConfigError(problems);
  }
  return toConfig(env);
}
