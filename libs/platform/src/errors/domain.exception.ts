/** One bad input field, by its dotted path (`contacts.0.email`). */
export interface FieldError {
  field: string;
  message: string;
}

export interface DomainExceptionOptions {
  /** Extra facts a client may act on (rendered as the problem's `details` member). */
  details?: Record<string, unknown>;
  errors?: FieldError[];
  cause?: unknown;
}

/**
 * Base of every feature's exception: a code from the feature's enum and a message a client may read.
 * Services throw these, never HttpException; the service's problem mapping turns codes into statuses.
 */
export abstract class DomainException<TCode extends string = string> extends Error {
  readonly details?: Record<string, unknown>;
  readonly errors?: FieldError[];

  constructor(
    readonly code: TCode,
    message: string,
    options: DomainExceptionOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.details = options.details;
    this.errors = options.errors;
  }
}

/** Narrows to a DomainException of any code (`instanceof` on the generic class would yield `any` codes). */
export function isDomainException(error: unknown): error is DomainException {
  return error instanceof DomainException;
}
