import { Type, plainToInstance } from 'class-transformer';
import { IsEmail, IsInt, IsString, Min, MinLength, ValidateNested, validateSync } from 'class-validator';
import { CommonErrorCode, CommonException } from './common.exception';
import { createValidationPipe, toFieldErrors } from './validation';

class ContactDto {
  @IsEmail()
  email!: string;
}

class AddressDto {
  @IsString()
  city!: string;
}

class CustomerDto {
  @IsString()
  @MinLength(2)
  name!: string;

  @IsInt()
  @Min(0)
  visitsPerMonth!: number;

  @ValidateNested()
  @Type(() => AddressDto)
  address!: AddressDto;

  @ValidateNested({ each: true })
  @Type(() => ContactDto)
  contacts!: ContactDto[];
}

function errorsOf(plain: object) {
  return toFieldErrors(validateSync(plainToInstance(CustomerDto, plain)));
}

describe(toFieldErrors.name, () => {
  it('names nested and array fields by dotted path', () => {
    const errors = errorsOf({
      name: 'Acme',
      visitsPerMonth: 2,
      address: { city: 7 },
      contacts: [{ email: 'a@example.com' }, { email: 'nope' }],
    });

    expect(errors).toEqual([
      { field: 'address.city', message: 'city must be a string' },
      { field: 'contacts.1.email', message: 'email must be an email' },
    ]);
  });

  it('gives one entry per field, joining all its failed constraints', () => {
    const errors = errorsOf({ name: 5, visitsPerMonth: -1.5, address: { city: 'Oslo' }, contacts: [] });

    expect(errors).toEqual([
      { field: 'name', message: 'name must be longer than or equal to 2 characters; name must be a string' },
      { field: 'visitsPerMonth', message: 'visitsPerMonth must not be less than 0; visitsPerMonth must be an integer number' },
    ]);
  });
});

describe(createValidationPipe.name, () => {
  const pipe = createValidationPipe();
  const metadata = { type: 'body' as const, metatype: CustomerDto, data: '' };

  it('rejects unknown fields and bad values with a validation-failed exception listing each field', async () => {
    const rejection = pipe.transform(
      { name: 'A', visitsPerMonth: 1, address: { city: 'Oslo', planet: 'Earth' }, contacts: [], extra: true },
      metadata,
    );

    await expect(rejection).rejects.toBeInstanceOf(CommonException);
    const error = (await rejection.catch((e: unknown) => e)) as CommonException;
    expect(error.code).toBe(CommonErrorCode.ValidationFailed);
    expect(error.errors).toEqual([
      { field: 'extra', message: 'property extra should not exist' },
      { field: 'name', message: 'name must be longer than or equal to 2 characters' },
      { field: 'address.planet', message: 'property planet should not exist' },
    ]);
    expect(error.message).toBe('invalid request: check extra, name, address.planet');
  });

  it('turns a valid body into an instance of the DTO class', async () => {
    const dto = await pipe.transform(
      { name: 'Acme', visitsPerMonth: 1, address: { city: 'Oslo' }, contacts: [{ email: 'a@example.com' }] },
      metadata,
    );

    expect(dto).toBeInstanceOf(CustomerDto);
    expect(dto.contacts[0]).toBeInstanceOf(ContactDto);
  });
});
