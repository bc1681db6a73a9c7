import { type DomainException } from './domain.exception';

/** What a code becomes on the wire. `type` defaults to a URN derived from the code. */
export interface ProblemMapping {
  status: number;
  title: string;
  type?: string;
}

// Abstract-constructor type, so abstract exception classes are accepted too.
type DomainExceptionClass<TCode extends string> = abstract new (...args: never[]) => DomainException<TCode>;

/** A feature exception class paired with the exhaustive mapping of its codes. */
export interface DomainProblemMapping {
  matches(exception: DomainException): boolean;
  map(exception: DomainException): ProblemMapping;
}

/**
 * Declares how the codes of one exception class map to HTTP; `map` is meant to be an
 * exhaustive `switch` so that a new code without a mapping fails to compile.
 */
export function mapDomainErrors<TCode extends string>(
  exceptionClass: DomainExceptionClass<TCode>,
  map: (code: TCode) => ProblemMapping,
): DomainProblemMapping {
  const matches = (exception: DomainException): exception is DomainException<TCode> =>
    exception instanceof exceptionClass;
  return {
    matches,
    map: (exception) => {
      if (!matches(exception)) throw new TypeError(`${exception.name} is not a ${exceptionClass.name}`);
      return map(exception.code);
    },
  };
}

/** The problem `type` URI of a code: `VERSION_CONFLICT` → `urn:fieldforce:problem:version-conflict`. */
export function problemType(code: string): string {
  return `urn:fieldforce:problem:${code.toLowerCase().replace(/_/g, '-')}`;
}
