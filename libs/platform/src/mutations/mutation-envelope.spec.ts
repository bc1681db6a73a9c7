import { plainToInstance } from 'class-transformer';
import { IsString, MaxLength, validateSync } from 'class-validator';
import { CommonException } from '../errors/common.exception';
import { toFieldErrors } from '../errors/validation';
import { MutationEnvelopeDto, changesAs, requireMutationKey } from './mutation-envelope';

class ThingMutationDto extends MutationEnvelopeDto(['thing']) {}

class ThingChanges {
  @IsString()
  @MaxLength(5)
  name!: string;
}

const errorsOf = (body: object) => toFieldErrors(validateSync(plainToInstance(ThingMutationDto, body), { whitelist: true, forbidNonWhitelisted: true }));
const thrown = (run: () => unknown): CommonException => {
  try {
    run();
  } catch (error) {
    return error as CommonException;
  }
  throw new Error('nothing thrown');
};

describe(MutationEnvelopeDto.name, () => {
  it("accepts an envelope of the owner's entity and names each bad member", () => {
    expect(errorsOf({ entity: 'thing', entityId: '0190d6b0-8888-7888-8888-888888888888', op: 'update', baseVersion: 3, base: {}, changes: { name: 'x' } })).toEqual([]);
    expect(errorsOf({ entity: 'other', entityId: 'x', op: 'merge', baseVersion: -1, base: [], changes: 'x', extra: 1 }).map((error) => error.field).sort()).toEqual([
      'base',
      'baseVersion',
      'changes',
      'entity',
      'entityId',
      'extra',
      'op',
    ]);
  });
});

describe(changesAs.name, () => {
  it('answers the changes as the DTO, or a 400 naming each bad changes.<field>', () => {
    expect(changesAs(ThingChanges, { name: 'ok' })).toBeInstanceOf(ThingChanges);
    const error = thrown(() => changesAs(ThingChanges, { name: 'too long', colour: 'red' }));
    expect(error.errors?.map((field) => field.field)).toEqual(['changes.colour', 'changes.name']);
  });
});

describe(requireMutationKey.name, () => {
  it('refuses a mutation without an Idempotency-Key', () => {
    const key = { key: 'client:1', fingerprint: 'f' };
    expect(requireMutationKey(key)).toBe(key);
    expect(thrown(() => requireMutationKey(undefined)).errors).toEqual([{ field: 'Idempotency-Key', message: 'is required: <clientId>:<mutationId>' }]);
  });
});
