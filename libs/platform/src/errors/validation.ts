import { ValidationPipe } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsObject, ValidateNested, type ValidationError } from 'class-validator';
import { CommonException } from './common.exception';
import { type FieldError } from './domain.exception';

/** Flattens class-validator errors into one entry per bad field, keyed by dotted path (`contacts.0.email`). */
export function toFieldErrors(errors: readonly ValidationError[], parentPath = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = parentPath === '' ? error.property : `${parentPath}.${error.property}`;
    const messages = Object.values(error.constraints ?? {});
    const own = messages.length > 0 ? [{ field, message: messages.join('; ') }] : [];
    return [...own, ...toFieldErrors(error.children ?? [], field)];
  });
}

/** The global pipe: strips nothing silently (unknown fields are errors), converts to DTO classes, 400s as problem+json. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) => CommonException.validationFailed(toFieldErrors(errors)),
  });
}

/**
 * A property holding one nested DTO: it must be an object (not an array, a string or missing,
 * unless also `@IsOptional()`), converted to `type` and validated with its rules.
 */
export function NestedObject(type: () => new () => object): PropertyDecorator {
  const decorators = [IsObject(), ValidateNested(), Type(type)];
  return (target, property) => decorators.forEach((decorator) => decorator(target, property));
}
